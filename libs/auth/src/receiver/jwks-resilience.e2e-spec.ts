import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import {
  JwksTestServer,
  KeycloakTokenSigner,
  TestClock,
  compactJws,
  createTestSigningKey,
  probe,
  startKeycloakAuthTestApp,
  type TestAdapter,
  type TestSigningKey,
} from '@app/auth/testing';
import {
  KeycloakAuthEvents,
  type JwksFetchEvent,
  type KeycloakAuthEvent,
} from './keycloak-auth.events.js';
import { KeycloakAuthHealthIndicator } from './keycloak-auth.health.js';

// Key rotation, key removal, Keycloak outages and unknown-kid floods against a real JWKS server,
// with a manual clock for ages and cooldowns (defaults: max age 30 s, cooldown 30 s, stale 3600 s;
// ADR 0023).

const ISSUER = 'http://localhost:8080/realms/techstore';
const AUDIENCE = 'notification-service';
const SECOND = 1000;
const k1 = createTestSigningKey({ kid: 'k1' });
const k2 = createTestSigningKey({ kid: 'k2' });
const attacker = createTestSigningKey({ kid: 'attacker' });

describe.each<TestAdapter>(['express', 'fastify'])('JWKS handling on %s', (adapter) => {
  let clock: TestClock;
  let jwks: JwksTestServer;
  let app: INestApplication;
  let url: string;
  let events: KeycloakAuthEvent[];

  const tokenFrom = (key: TestSigningKey) =>
    new KeycloakTokenSigner(key, clock.now).sign(
      new KeycloakTokenSigner(key, clock.now).serviceAccountClaims({
        issuer: ISSUER,
        clientId: 'shop-api',
        audience: AUDIENCE,
        clientRoles: { [AUDIENCE]: ['notifications:send'] },
        lifetimeSeconds: 3600,
      }),
    );
  const call = (token: string) =>
    probe(`${url}/notify`, { headers: { authorization: `Bearer ${token}` } });
  const statusOf = async (token: string) => (await call(token)).status;
  const nextFetch = () =>
    new Promise<JwksFetchEvent>((resolve) => {
      const stop = app.get(KeycloakAuthEvents).subscribe((event) => {
        if (event.type === 'jwks_fetch') {
          stop();
          resolve(event);
        }
      });
    });

  beforeEach(async () => {
    clock = new TestClock();
    jwks = await JwksTestServer.start([k1]);
    ({ app, url } = await startKeycloakAuthTestApp(adapter, {
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: jwks.jwksUri,
      jwksTimeoutMs: 250,
      clock,
    }));
    events = [];
    app.get(KeycloakAuthEvents).subscribe((event) => events.push(event));
  });

  afterEach(async () => {
    await app?.close();
    await jwks?.close();
  });

  it('I06 rotation: a token under a new kid triggers one refetch, and the key set change flushes the token cache', async () => {
    const old = tokenFrom(k1);
    expect(await statusOf(old)).toBe(200);
    expect(await statusOf(old)).toBe(200);
    await clock.advance(31 * SECOND);
    jwks.publish([k2, k1]);

    expect(await statusOf(tokenFrom(k2))).toBe(200);
    expect(jwks.requests).toBe(2);
    expect(await statusOf(old)).toBe(200);
    const cacheUse = events
      .filter((e) => e.type === 'validation')
      .map((e) => e.type === 'validation' && e.cache);
    expect(cacheUse).toEqual(['miss', 'hit', 'miss', 'miss']);
    expect(jwks.requests).toBe(2);
  });

  it('I07 removal: after the set is refreshed without k1, k1 tokens are refused', async () => {
    const old = tokenFrom(k1);
    expect(await statusOf(old)).toBe(200);
    jwks.publish([k2]);
    await clock.advance(31 * SECOND);

    const refreshed = nextFetch();
    expect(await statusOf(old)).toBe(200); // from the token cache; the hit starts the due background refresh
    expect(await refreshed).toMatchObject({ outcome: 'success', changed: true });
    expect(await statusOf(old)).toBe(401);
    expect(await statusOf(tokenFrom(k2))).toBe(200);
    expect(jwks.requests).toBe(3); // k1, now unknown, fetched once more at once (nothing new)
  });

  it('I07 removal after an idle minute: the first request waits for the refresh, so k1 is refused at once', async () => {
    const old = tokenFrom(k1);
    expect(await statusOf(old)).toBe(200);
    jwks.publish([k2]);
    await clock.advance(61 * SECOND);

    expect(await statusOf(old)).toBe(401);
    expect(await statusOf(tokenFrom(k2))).toBe(200);
    expect(jwks.requests).toBe(3); // k1, now unknown, fetched once more at once (nothing new)
  });

  it('I01/I03 Keycloak down, set fresh: known keys keep working, an unknown kid is a 401, not a 503', async () => {
    expect(await statusOf(tokenFrom(k1))).toBe(200);
    await jwks.stop();
    expect(await statusOf(tokenFrom(k1))).toBe(200);
    await clock.advance(31 * SECOND);
    expect(await statusOf(tokenFrom(k2))).toBe(401);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'jwks_fetch', outcome: 'failure' }),
    );
  });

  it('I02 Keycloak down past the max age: held keys serve within the stale window, then 503 with Retry-After', async () => {
    expect(await statusOf(tokenFrom(k1))).toBe(200);
    await jwks.stop();
    await clock.advance(601 * SECOND);
    const failed = nextFetch();
    expect(await statusOf(tokenFrom(k1))).toBe(200);
    expect(await failed).toMatchObject({ outcome: 'failure' });

    await clock.advance(3600 * SECOND);
    const unavailable = await call(tokenFrom(k1));
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers['retry-after']).toBe('30');
    expect(unavailable.headers['www-authenticate']).toBeUndefined();
    expect(JSON.parse(unavailable.body)).toEqual({
      statusCode: 503,
      code: 'AUTH_KEYS_UNAVAILABLE',
      message: 'Access tokens cannot be validated right now; retry later.',
    });

    await clock.advance(10 * SECOND);
    const stillUnavailable = await call(tokenFrom(k1));
    expect(stillUnavailable.headers['retry-after']).toBe('20'); // no fetch inside the cooldown

    await jwks.resume();
    await clock.advance(20 * SECOND);
    expect(await statusOf(tokenFrom(k1))).toBe(200);
    expect(jwks.requests).toBe(2);
  });

  it.each(['error', 'html', 'hang'] as const)(
    'no key set yet and the JWKS endpoint answers %s: 503, and readiness is down until it recovers',
    async (mode) => {
      jwks.mode = mode;
      const response = await call(tokenFrom(k1));
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe('30');
      expect(
        (await app.get(KeycloakAuthHealthIndicator).isHealthy())['keycloak-jwks'],
      ).toMatchObject({
        status: 'down',
      });

      jwks.mode = 'normal';
      await clock.advance(30 * SECOND);
      expect(await app.get(KeycloakAuthHealthIndicator).isHealthy('jwks')).toEqual({
        jwks: { status: 'up', keys: 1, ageSeconds: 0 },
      });
      expect(await statusOf(tokenFrom(k1))).toBe(200);
    },
  );

  it('A10 unknown-kid flood: at most 3 JWKS fetches, however many requests, while valid tokens pass', async () => {
    const valid = tokenFrom(k1);
    expect(await statusOf(valid)).toBe(200);
    const claims = new KeycloakTokenSigner(attacker, clock.now).serviceAccountClaims({
      issuer: ISSUER,
      clientId: 'shop-api',
      audience: AUDIENCE,
    });
    const forged = () =>
      compactJws(
        JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: randomUUID() }),
        JSON.stringify(claims),
        attacker,
      );
    const flood = async () => {
      const statuses = await Promise.all(
        Array.from({ length: 100 }, (_, i) => statusOf(i % 10 === 0 ? valid : forged())),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(10);
      expect(statuses.filter((s) => s === 401)).toHaveLength(90);
    };

    await flood();
    expect(jwks.requests).toBe(2); // the first unknown kid fetched at once; then a 1 s wait

    await clock.advance(30 * SECOND);
    jwks.delayMs = 50; // keep the refetch in flight while the flood arrives
    await flood();
    expect(jwks.requests).toBe(3); // the wait has passed: one fetch, shared; then a 2 s wait

    await flood();
    expect(jwks.requests).toBe(3);
  });

  it('A05 a jku header pointing at another JWKS is never fetched', async () => {
    const elsewhere = await JwksTestServer.start([attacker]);
    try {
      const claims = new KeycloakTokenSigner(attacker, clock.now).serviceAccountClaims({
        issuer: ISSUER,
        clientId: 'shop-api',
        audience: AUDIENCE,
        clientRoles: { [AUDIENCE]: ['notifications:send'] },
      });
      for (const header of [{ jku: elsewhere.jwksUri }, { x5u: elsewhere.jwksUri }]) {
        const forged = compactJws(
          JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'attacker', ...header }),
          JSON.stringify(claims),
          attacker,
        );
        expect(await statusOf(forged)).toBe(401);
      }
      expect(elsewhere.requests).toBe(0);
    } finally {
      await elsewhere.close();
    }
  });
});
