import {
  TestClock,
  waitUntil,
  keycloakTokenErrors,
  startFakeTokenEndpoint,
  tokenReply,
  type FakeTokenEndpoint,
} from '@app/auth/testing';
import { ServiceTokenService, type ServiceTokenEvent, type ServiceTokenOptions } from './index.js';

const SECRET = 'caller-spec-secret';

describe('ServiceTokenService against a real local token endpoint', () => {
  let endpoint: FakeTokenEndpoint;
  let clock: TestClock;
  let events: ServiceTokenEvent[];

  beforeAll(async () => {
    endpoint = await startFakeTokenEndpoint({ clients: { 'shop-api': SECRET } });
  });
  afterAll(() => endpoint.close());

  beforeEach(() => {
    clock = new TestClock();
    events = [];
  });

  function service(overrides: Partial<ServiceTokenOptions> = {}) {
    const svc = new ServiceTokenService({
      realmUrl: endpoint.realmUrl,
      clientId: 'shop-api',
      clientSecret: SECRET,
      clock,
      random: () => 0.5, // no jitter, no backoff randomness
      ...overrides,
    });
    svc.subscribe((event) => events.push(event));
    return svc;
  }

  const requestsSince = (start: number) => endpoint.requests.length - start;
  /** Resolves once `count` events of `type` have been seen in total. */
  const eventCount = (type: ServiceTokenEvent['type'], count: number) =>
    waitUntil(() => events.filter((e) => e.type === type).length >= count);
  const ofType = <T extends ServiceTokenEvent['type']>(type: T) =>
    events.filter((e): e is Extract<ServiceTokenEvent, { type: T }> => e.type === type);

  it('sends 1 token request for 1,000 concurrent getToken() calls on a cold cache', async () => {
    const start = endpoint.requests.length;
    const svc = service();
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => svc.getToken()));
    expect(requestsSince(start)).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).toBe(endpoint.issued.at(-1));
    const lookups = ofType('cache_lookup').map((e) => e.result);
    expect(lookups.filter((r) => r === 'miss')).toHaveLength(1);
    expect(lookups.filter((r) => r === 'coalesced')).toHaveLength(999);
  });

  it('authenticates with client_secret_basic, id and secret form-encoded (RFC 6749 §2.3.1)', async () => {
    const start = endpoint.requests.length;
    const id = 'svc:a b+c';
    const secret = 'p@ss:w%rd +/=';
    endpoint.setClientSecret(id, secret);
    await service({ clientId: id, clientSecret: secret }).getToken();
    const request = endpoint.requests[start];
    expect(request.authMethod).toBe('client_secret_basic');
    expect(request.clientId).toBe(id);
    expect(request.clientSecret).toBe(secret);
    expect(request.form.get('grant_type')).toBe('client_credentials');
    expect(request.form.has('client_secret')).toBe(false);
  });

  it('authenticates with client_secret_post and sends the configured scope', async () => {
    const start = endpoint.requests.length;
    await service({ authMethod: 'client_secret_post', scope: ['email', 'profile'] }).getToken();
    const request = endpoint.requests[start];
    expect(request.authMethod).toBe('client_secret_post');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.form.get('scope')).toBe('email profile');
  });

  it('caches a 30 s token for ~15 s, then serves it while one background refresh runs', async () => {
    endpoint.enqueue(tokenReply({ expiresIn: 30 }), tokenReply({ expiresIn: 30 }));
    const start = endpoint.requests.length;
    const svc = service();
    const first = await svc.getToken();
    await clock.advance(14_900);
    expect(await svc.getToken()).toBe(first);
    expect(requestsSince(start)).toBe(1);

    await clock.advance(200); // 15.1 s: stale, served at once, one background refresh
    expect(await svc.getToken()).toBe(first);
    expect(await svc.getToken()).toBe(first);
    await eventCount('token_acquired', 2);
    const second = await svc.getToken();
    expect(second).not.toBe(first);
    expect(requestsSince(start)).toBe(2);
  });

  it('caches a 5 s token: refresh from 2.5 s, hard floor at 4.5 s', async () => {
    endpoint.enqueue(tokenReply({ expiresIn: 5 }));
    const svc = service();
    await svc.getToken();
    expect(svc.status().state).toBe('fresh');
    await clock.advance(2_400);
    expect(svc.status().state).toBe('fresh');
    await clock.advance(200);
    expect(svc.status().state).toBe('stale');
    await clock.advance(1_850); // 4.45 s
    expect(svc.status().state).toBe('stale');
    await clock.advance(100); // 4.55 s
    expect(svc.status().state).toBe('none');
  });

  it('keeps the default 300 s token fresh until 240 s, with the floor at 290 s', async () => {
    const svc = service();
    await svc.getToken();
    await clock.advance(239_000);
    expect(svc.status().state).toBe('fresh');
    await clock.advance(2_000);
    expect(svc.status().state).toBe('stale');
    await clock.advance(48_900);
    expect(svc.status().state).toBe('stale');
    await clock.advance(200);
    expect(svc.status().state).toBe('none');
  });

  it('uses the JWT exp − iat when expires_in is missing, never "forever"', async () => {
    endpoint.enqueue(tokenReply({ expiresIn: null, jwtLifetimeSeconds: 20 }));
    const svc = service();
    await svc.getToken();
    expect(ofType('token_acquired')[0]).toMatchObject({
      lifetimeSeconds: 20,
      lifetimeSource: 'jwt',
    });
    await clock.advance(18_100);
    expect(svc.status().state).toBe('none');
  });

  it('falls back to the default lifetime for an opaque token without expires_in, and warns', async () => {
    endpoint.enqueue(tokenReply({ expiresIn: null, accessToken: 'opaque-token-value' }));
    const warnings: string[] = [];
    const svc = service({ logger: { log: () => {}, warn: (m) => warnings.push(m) } });
    await svc.getToken();
    expect(ofType('token_acquired')[0]).toMatchObject({
      lifetimeSeconds: 60,
      lifetimeSource: 'default',
    });
    expect(warnings.join()).toMatch(/no usable expires_in/);
  });

  it('takes the shorter of expires_in and the JWT lifetime', async () => {
    endpoint.enqueue(tokenReply({ expiresIn: 300, jwtLifetimeSeconds: 60 }));
    const svc = service();
    await svc.getToken();
    expect(ofType('token_acquired')[0]).toMatchObject({
      lifetimeSeconds: 60,
      lifetimeSource: 'jwt',
    });
  });

  it('does not cache a token living under 2 s, but still fetches once for concurrent callers', async () => {
    endpoint.enqueue(tokenReply({ expiresIn: 1 }), tokenReply({ expiresIn: 1 }));
    const start = endpoint.requests.length;
    const svc = service();
    await Promise.all([svc.getToken(), svc.getToken(), svc.getToken()]);
    expect(requestsSince(start)).toBe(1);
    await svc.getToken();
    expect(requestsSince(start)).toBe(2);
    expect(ofType('token_acquired')[0].cached).toBe(false);
  });

  it('keeps separate cache keys per scope set, normalised', async () => {
    const start = endpoint.requests.length;
    const svc = service();
    const a = await svc.getToken({ scope: 'profile email' });
    const b = await svc.getToken({ scope: ['email', 'profile', 'email'] });
    const c = await svc.getToken();
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(requestsSince(start)).toBe(2);
  });

  it('invalidate() drops only the cached token and reports whether it did', async () => {
    const start = endpoint.requests.length;
    const svc = service();
    const first = await svc.getToken();
    expect(svc.invalidate('not-the-cached-token')).toBe(false);
    expect(svc.invalidate(first)).toBe(true);
    expect(svc.invalidate(first)).toBe(false);
    const second = await svc.getToken();
    expect(second).not.toBe(first);
    expect(requestsSince(start)).toBe(2);
    expect(ofType('token_request').at(-1)).toMatchObject({ trigger: 'forced', outcome: 'success' });
  });

  it('a failed fetch goes to all its waiters and is not cached', async () => {
    endpoint.enqueue(keycloakTokenErrors.invalidScope('nope'));
    const start = endpoint.requests.length;
    const svc = service({ negativeCacheMs: 0 });
    const results = await Promise.allSettled([svc.getToken(), svc.getToken()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(requestsSince(start)).toBe(1);
    await expect(svc.getToken()).resolves.toEqual(expect.any(String));
    expect(requestsSince(start)).toBe(2);
  });

  it('counts token requests and cache lookups under the OpenTelemetry names', async () => {
    const svc = service();
    await svc.getToken();
    await svc.getToken();
    expect(svc.counters()).toEqual(
      expect.arrayContaining([
        {
          name: 'oauth.client.token.requests',
          labels: { client: 'shop-api', scope: '', trigger: 'miss', outcome: 'success' },
          value: 1,
        },
        {
          name: 'oauth.client.token.cache.lookups',
          labels: { client: 'shop-api', scope: '', result: 'hit' },
          value: 1,
        },
      ]),
    );
  });
});
