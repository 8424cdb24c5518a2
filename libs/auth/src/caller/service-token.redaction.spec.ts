import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import {
  TestClock,
  waitUntil,
  startFakeTokenEndpoint,
  tokenReply,
  type FakeTokenEndpoint,
} from '@app/auth/testing';
import { ServiceTokenService, tokenFingerprint, type ServiceTokenOptions } from './index.js';

const SECRET = 'redaction-spec-secret-8f3a';
const WRONG_SECRET = 'redaction-spec-wrong-secret-91c2';

describe('redaction: nothing secret reaches logs, events or errors', () => {
  let endpoint: FakeTokenEndpoint;
  const captured: string[] = [];
  const logger = {
    log: (m: string) => captured.push(m),
    warn: (m: string) => captured.push(m),
    debug: (m: string) => captured.push(m),
  };

  beforeAll(async () => {
    endpoint = await startFakeTokenEndpoint({ clients: { 'shop-api': SECRET } });
  });
  afterAll(() => endpoint.close());

  function service(overrides: Partial<ServiceTokenOptions>) {
    const svc = new ServiceTokenService({
      realmUrl: endpoint.realmUrl,
      clientId: 'shop-api',
      clock: new TestClock(),
      random: () => 0,
      logger,
      ...overrides,
    });
    svc.subscribe((event) => captured.push(JSON.stringify(event)));
    captured.push(inspect(svc), String(svc), JSON.stringify(svc));
    return svc;
  }

  /** Records how a failure prints; a success hands the token to the app, which is the point. */
  async function capture(promise: Promise<unknown>) {
    try {
      await promise;
    } catch (error) {
      captured.push(inspect(error, { depth: 5 }), JSON.stringify(error), String(error));
    }
  }

  it('across successes, rejections, rotations, network failures and echoed tokens', async () => {
    const basic = service({ clientSecret: SECRET });
    await capture(basic.getToken());
    await capture(service({ clientSecret: SECRET, authMethod: 'client_secret_post' }).getToken());
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await capture(
      service({ privateKey, privateKeyAlgorithm: 'ES256', privateKeyId: 'k1' }).getToken(),
    );
    await capture(service({ clientSecret: WRONG_SECRET }).getToken());
    await capture(service({ clientSecretProvider: () => WRONG_SECRET }).getToken());

    // An error description that echoes a token is masked.
    const leaked = endpoint.issued[0];
    endpoint.enqueue({
      kind: 'error',
      status: 400,
      error: 'invalid_request',
      errorDescription: `bad ${leaked}`,
    });
    await capture(service({ clientSecret: SECRET }).getToken());

    // A 503 with an HTML body, a stale-window failure and a dead endpoint.
    endpoint.enqueue(tokenReply({ expiresIn: 30 }), {
      kind: 'error',
      status: 503,
      rawBody: `<p>${SECRET}</p>`,
    });
    const clock = new TestClock();
    const stale = service({ clientSecret: SECRET, clock, maxAttempts: 1 });
    await capture(stale.getToken());
    await clock.advance(17_000); // past refresh-ahead (15 s ± 10 % jitter)
    await capture(stale.getToken());
    await waitUntil(() => captured.some((line) => line.includes('token_refresh_failed')));
    const dead = service({
      clientSecret: SECRET,
      tokenEndpoint: 'http://127.0.0.1:1/token',
      realmUrl: undefined,
    });
    await capture(dead.getToken());
    captured.push(inspect(basic.statuses(), { depth: 5 }), JSON.stringify(basic.counters()));

    const secrets = [
      SECRET,
      WRONG_SECRET,
      Buffer.from(`shop-api:${SECRET}`).toString('base64'),
      ...endpoint.issued,
      ...endpoint.requests.flatMap((r) => r.form.getAll('client_assertion')),
    ];
    expect(endpoint.issued.length).toBeGreaterThanOrEqual(4);
    expect(endpoint.requests.some((r) => r.form.has('client_assertion'))).toBe(true);
    const everything = captured.join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(everything).toContain('[redacted-jwt]');
    expect(everything).toContain(tokenFingerprint(endpoint.issued[0]));
  });
});
