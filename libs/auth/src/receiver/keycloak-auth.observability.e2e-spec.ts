import type { INestApplication, LoggerService } from '@nestjs/common';
import {
  JwksTestServer,
  KeycloakTokenSigner,
  TestClock,
  compactJws,
  createTestSigningKey,
  probe,
  startKeycloakAuthTestApp,
} from '@app/auth/testing';
import { KeycloakAuthEvents, type KeycloakAuthEvent } from './keycloak-auth.events.js';

// What the receiver tells operators (logs, events) and what it never reveals; ES256 realms;
// form-encoded bodies (Express parses them; Fastify answers 415 before any guard runs).

const ISSUER = 'http://localhost:8080/realms/techstore';
const AUDIENCE = 'notification-service';
const clock = new TestClock();
const rsa = createTestSigningKey({ kid: 'rsa' });
const ec = createTestSigningKey({ kid: 'ec', alg: 'ES256' });

class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log = (...args: unknown[]) => this.lines.push(JSON.stringify(args));
  warn = (...args: unknown[]) => this.lines.push(JSON.stringify(args));
  error = (...args: unknown[]) => this.lines.push(JSON.stringify(args));
}

const serviceToken = (key = rsa, roles = ['notifications:send']) => {
  const signer = new KeycloakTokenSigner(key, clock.now);
  return signer.sign(
    signer.serviceAccountClaims({
      issuer: ISSUER,
      clientId: 'shop-api',
      audience: AUDIENCE,
      clientRoles: { [AUDIENCE]: roles },
    }),
  );
};

describe('logs and events (Express)', () => {
  let jwks: JwksTestServer;
  let app: INestApplication;
  let url: string;
  const logger = new CapturingLogger();
  const events: KeycloakAuthEvent[] = [];

  beforeAll(async () => {
    jwks = await JwksTestServer.start([rsa]);
    ({ app, url } = await startKeycloakAuthTestApp(
      'express',
      { issuer: ISSUER, audience: AUDIENCE, jwksUri: jwks.jwksUri, clock },
      { logger },
    ));
    const bus = app.get(KeycloakAuthEvents);
    bus.subscribe(() => {
      throw new Error('a broken metrics listener');
    });
    bus.subscribe((event) => events.push(event));
  });

  afterAll(async () => {
    await app?.close();
    await jwks?.close();
  });

  it('logs why a request was refused, with the caller when known, and never the token', async () => {
    const tampered = serviceToken().slice(0, -4) + 'AAAA';
    const roleless = serviceToken(rsa, []);
    const statuses = [];
    for (const token of [tampered, roleless]) {
      statuses.push(
        (await probe(`${url}/notify?access=x`, { headers: { authorization: `Bearer ${token}` } }))
          .status,
      );
    }
    expect(statuses).toEqual([401, 403]);
    const refusals = logger.lines.filter((line) => line.includes('Request refused'));
    expect(refusals).toHaveLength(2);
    expect(refusals[0]).toContain('"reason":"signature"');
    expect(refusals[0]).toContain('"path":"/notify"');
    expect(refusals[1]).toContain('"reason":"role_missing"');
    expect(refusals[1]).toContain('"caller":"shop-api"');
    const everything = logger.lines.join('\n');
    for (const token of [tampered, roleless]) {
      for (const segment of token.split('.')) expect(everything).not.toContain(segment);
    }
    expect(everything).not.toContain('access=x');
  });

  it('logs an undeclared route once, by class and handler name', async () => {
    const token = serviceToken();
    await probe(`${url}/undeclared`, { headers: { authorization: `Bearer ${token}` } });
    await probe(`${url}/undeclared`);
    const lines = logger.lines.filter((line) => line.includes('ProbeController.undeclared'));
    expect(lines).toHaveLength(1);
  });

  it('emits one event per decision (a throwing listener changes nothing)', async () => {
    events.length = 0;
    const token = serviceToken();
    expect(
      (await probe(`${url}/notify`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
    expect(
      (await probe(`${url}/notify`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
    expect((await probe(`${url}/notify`)).status).toBe(401);
    expect(events).toEqual([
      { type: 'validation', outcome: 'accepted', cache: 'miss', caller: 'shop-api' },
      { type: 'validation', outcome: 'accepted', cache: 'hit', caller: 'shop-api' },
      {
        type: 'validation',
        outcome: 'rejected',
        status: 401,
        code: 'AUTH_CREDENTIALS_MISSING',
        reason: 'no_credentials',
      },
    ]);
  });

  it('H09 refuses a token in a form body next to the header (400), and a form body token alone (401)', async () => {
    const token = serviceToken();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const both = await probe(`${url}/notify`, {
      method: 'POST',
      headers: { ...form, authorization: `Bearer ${token}` },
      body: `access_token=${token}`,
    });
    expect(both.status).toBe(400);
    expect(both.headers['www-authenticate']).toBe(
      `Bearer realm="${AUDIENCE}", error="invalid_request", error_description="The request carries more than one credential"`,
    );
    const bodyOnly = await probe(`${url}/notify`, {
      method: 'POST',
      headers: form,
      body: `access_token=${token}`,
    });
    expect(bodyOnly.status).toBe(401);
    expect(bodyOnly.headers['www-authenticate']).toBe(`Bearer realm="${AUDIENCE}"`);
    const headerOnly = await probe(`${url}/notify`, {
      method: 'POST',
      headers: { ...form, authorization: `Bearer ${token}` },
      body: 'orderId=1',
    });
    expect(headerOnly.status).toBe(201);
  });
});

describe('an ES256 realm (Fastify)', () => {
  let jwks: JwksTestServer;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    jwks = await JwksTestServer.start([ec, rsa]);
    ({ app, url } = await startKeycloakAuthTestApp('fastify', {
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: jwks.jwksUri,
      algorithms: ['ES256'],
      clock,
    }));
  });

  afterAll(async () => {
    await app?.close();
    await jwks?.close();
  });

  const statusOf = async (token: string) =>
    (await probe(`${url}/notify`, { headers: { authorization: `Bearer ${token}` } })).status;

  it('accepts ES256 tokens and refuses RS256 ones', async () => {
    expect(await statusOf(serviceToken(ec))).toBe(200);
    expect(await statusOf(serviceToken(rsa))).toBe(401);
  });

  it('A14 refuses a DER-encoded or truncated ES256 signature', async () => {
    const [header, payload, signature] = serviceToken(ec).split('.');
    const raw = Buffer.from(signature, 'base64url');
    const der = Buffer.concat([
      Buffer.from([0x30, 0x44, 0x02, 0x20]),
      raw.subarray(0, 32),
      Buffer.from([0x02, 0x20]),
      raw.subarray(32),
    ]);
    expect(await statusOf(`${header}.${payload}.${der.toString('base64url')}`)).toBe(401);
    expect(
      await statusOf(`${header}.${payload}.${raw.subarray(0, 48).toString('base64url')}`),
    ).toBe(401);
  });

  it('A13 a malleated signature (s → n − s) verifies, but as a different token: never a cache hit', async () => {
    const events: KeycloakAuthEvent[] = [];
    const stop = app.get(KeycloakAuthEvents).subscribe((event) => events.push(event));
    const [header, payload, signature] = serviceToken(ec).split('.');
    const raw = Buffer.from(signature, 'base64url');
    const order = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
    const s = BigInt(`0x${raw.subarray(32).toString('hex')}`);
    const flipped = Buffer.concat([
      raw.subarray(0, 32),
      Buffer.from((order - s).toString(16).padStart(64, '0'), 'hex'),
    ]);
    expect(await statusOf(`${header}.${payload}.${signature}`)).toBe(200);
    expect(await statusOf(`${header}.${payload}.${flipped.toString('base64url')}`)).toBe(200);
    stop();
    expect(events.map((e) => e.type === 'validation' && e.cache)).toEqual(['miss', 'miss']);
  });

  it('A12 refuses the all-zero ("psychic") ES256 signature', async () => {
    const [header, payload] = serviceToken(ec).split('.');
    expect(await statusOf(`${header}.${payload}.${Buffer.alloc(64).toString('base64url')}`)).toBe(
      401,
    );
    const forged = compactJws(JSON.stringify({ alg: 'ES256', kid: 'ec' }), '{}', ec);
    expect(await statusOf(forged)).toBe(401);
  });
});
