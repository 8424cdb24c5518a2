import { createTestSigningKey, TestClock } from '@app/auth/testing';
import { JwksKeyProvider, type JwksFetcher } from './jwks-key-provider.js';
import { KeycloakAuthEvents, type KeycloakAuthEvent } from './keycloak-auth.events.js';
import type { AsymmetricAlgorithm } from '../shared/jws-algorithms.js';

const rsa = createTestSigningKey({ kid: 'rsa' });
const rsaSmall = createTestSigningKey({ kid: 'small', modulusLength: 1024 });
const ec = createTestSigningKey({ kid: 'ec', alg: 'ES256' });

describe('JwksKeyProvider', () => {
  let clock: TestClock;
  let fetches: number;
  let published: unknown;
  let events: KeycloakAuthEvent[];

  const provider = (algorithms: AsymmetricAlgorithm[] = ['RS256'], fetcher?: JwksFetcher) => {
    const bus = new KeycloakAuthEvents();
    bus.subscribe((event) => events.push(event));
    return new JwksKeyProvider(
      {
        jwksUri: 'http://127.0.0.1:9/unused',
        jwksTimeoutMs: 1000,
        jwksMaxAgeMs: 30_000,
        jwksCooldownMs: 30_000,
        jwksMaxStaleMs: 3_600_000,
        algorithms,
        clock,
      },
      bus,
      fetcher ??
        (() => {
          fetches++;
          return Promise.resolve(published);
        }),
    );
  };
  const reasonOf = async (run: () => unknown) => {
    try {
      await run();
      return 'ok';
    } catch (error) {
      return (error as { reason?: string }).reason;
    }
  };

  beforeEach(() => {
    clock = new TestClock();
    fetches = 0;
    events = [];
    published = [rsa.jwk];
  });

  it('returns the parsed KeyObject, synchronously once the set is held', async () => {
    const keys = provider();
    const first = await keys.getKey('rsa', 'RS256');
    expect(first.asymmetricKeyType).toBe('rsa');
    expect(keys.getKey('rsa', 'RS256')).toBe(first);
    expect(fetches).toBe(1);
  });

  it('keeps only sig keys of a usable type and size', async () => {
    published = [
      { ...rsa.jwk, kid: 'enc', use: 'enc', alg: 'RSA-OAEP' },
      { ...rsa.jwk, kid: 'no-use', use: undefined },
      { ...rsa.jwk, kid: 'rs512', alg: 'RS512' },
      rsaSmall.jwk,
      ec.jwk,
      { kid: 'oct', kty: 'oct', use: 'sig', k: 'c2VjcmV0' },
      { kid: 'broken', kty: 'RSA', use: 'sig', n: '!!', e: 'AQAB' },
      'junk',
      null,
      rsa.jwk,
      { ...ec.jwk, kid: 'rsa' },
    ];
    const keys = provider();
    expect(await reasonOf(() => keys.getKey('rsa', 'RS256'))).toBe('ok');
    for (const kid of ['enc', 'no-use', 'rs512', 'small', 'ec', 'oct', 'broken']) {
      expect(await reasonOf(() => keys.getKey(kid, 'RS256'))).toBe('kid_unknown');
    }
    expect(keys.status()).toEqual({ usable: true, keys: 1, ageSeconds: 0 });
  });

  it('binds a key to its JWK alg and key type', async () => {
    published = [rsa.jwk, { ...rsa.jwk, kid: 'any-rsa', alg: undefined }, ec.jwk];
    const keys = provider(['RS256', 'PS256', 'ES256']);
    expect(await reasonOf(() => keys.getKey('rsa', 'PS256'))).toBe('key_mismatch');
    expect(await reasonOf(() => keys.getKey('any-rsa', 'PS256'))).toBe('ok');
    expect(await reasonOf(() => keys.getKey('any-rsa', 'ES256'))).toBe('key_mismatch');
    expect(await reasonOf(() => keys.getKey('ec', 'ES256'))).toBe('ok');
  });

  it('shares one fetch between concurrent requests (single flight)', async () => {
    let release!: () => void;
    const keys = provider(['RS256'], () => {
      fetches++;
      return new Promise((resolve) => (release = () => resolve([rsa.jwk])));
    });
    const pending = Array.from({ length: 20 }, (_, i) =>
      reasonOf(() => keys.getKey(i % 2 ? 'rsa' : `x${i}`, 'RS256')),
    );
    release();
    expect(await Promise.all(pending)).toEqual(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? 'ok' : 'kid_unknown')),
    );
    expect(fetches).toBe(1);
  });

  it('fetches at once for an unknown kid, then waits 1 s, 2 s, 4 s ... up to the cooldown while fetches bring nothing new', async () => {
    const keys = provider();
    await keys.getKey('rsa', 'RS256');
    const fetchesAt: number[] = [];
    const start = clock.now();
    for (let second = 0; second <= 90; second++) {
      const before = fetches;
      expect(await reasonOf(() => keys.getKey(`x${second}`, 'RS256'))).toBe('kid_unknown');
      if (fetches > before) fetchesAt.push((clock.now() - start) / 1000);
      await clock.advance(1000);
    }
    expect(fetchesAt).toEqual([0, 1, 3, 7, 15, 31, 61]);
  });

  it('a rotation is picked up once the wait has passed, and a fetch that brings a new key resets the wait', async () => {
    const keys = provider();
    await keys.getKey('rsa', 'RS256');
    await reasonOf(() => keys.getKey('stray', 'RS256')); // 0 s: fetched at once; wait 1 s
    await clock.advance(1000);
    await reasonOf(() => keys.getKey('stray', 'RS256')); // 1 s: fetched; wait 2 s
    expect(fetches).toBe(3);
    const rotated = createTestSigningKey({ kid: 'rotated' });
    published = [rotated.jwk, rsa.jwk];
    await clock.advance(1000);
    expect(await reasonOf(() => keys.getKey('rotated', 'RS256'))).toBe('kid_unknown');
    expect(fetches).toBe(3);
    await clock.advance(1000);
    expect(await reasonOf(() => keys.getKey('rotated', 'RS256'))).toBe('ok');
    expect(fetches).toBe(4);
    const next = createTestSigningKey({ kid: 'next' });
    published = [next.jwk, rotated.jwk, rsa.jwk];
    expect(await reasonOf(() => keys.getKey('next', 'RS256'))).toBe('ok');
    expect(fetches).toBe(5);
  });

  it('forgets the wait after two quiet cooldowns', async () => {
    const keys = provider();
    await keys.getKey('rsa', 'RS256');
    await reasonOf(() => keys.getKey('stray', 'RS256'));
    await clock.advance(1000);
    await reasonOf(() => keys.getKey('stray', 'RS256'));
    expect(fetches).toBe(3);
    await clock.advance(61_000);
    await reasonOf(() => keys.getKey('rsa', 'RS256')); // the set is refreshed: fetch 4
    await reasonOf(() => keys.getKey('stray', 'RS256'));
    expect(fetches).toBe(5);
  });

  it('refreshes after the max age in the background, and waits for the refresh past twice that age', async () => {
    const keys = provider();
    await keys.getKey('rsa', 'RS256');
    await clock.advance(30_001);
    expect(keys.getKey('rsa', 'RS256')).not.toBeInstanceOf(Promise);
    await new Promise((resolve) => setImmediate(resolve));
    expect(fetches).toBe(2);

    published = [createTestSigningKey({ kid: 'other' }).jwk];
    await clock.advance(60_001);
    expect(await reasonOf(() => keys.getKey('rsa', 'RS256'))).toBe('kid_unknown');
    expect(fetches).toBe(3);
  });

  it('past twice the max age with the endpoint failing, serves the held keys without waiting', async () => {
    const keys = provider();
    await keys.getKey('rsa', 'RS256');
    published = undefined;
    await clock.advance(60_001);
    expect(await reasonOf(() => keys.getKey('rsa', 'RS256'))).toBe('ok'); // waited once: failed
    expect(keys.getKey('rsa', 'RS256')).not.toBeInstanceOf(Promise);
    expect(fetches).toBe(2);
  });

  it('reports a change only when the keys differ', async () => {
    const keys = provider();
    let changes = 0;
    keys.onKeySetChange(() => changes++);
    await keys.getKey('rsa', 'RS256');
    await clock.advance(31_000);
    void keys.refreshIfDue();
    void keys.refreshIfDue();
    await new Promise((resolve) => setImmediate(resolve));
    expect([fetches, changes]).toEqual([2, 1]);
    expect(events.filter((e) => e.type === 'jwks_fetch')).toEqual([
      { type: 'jwks_fetch', outcome: 'success', keys: 1, changed: true },
      { type: 'jwks_fetch', outcome: 'success', keys: 1, changed: false },
    ]);
  });

  it.each([
    ['no keys array', { keys: [] }],
    ['only an encryption key', [{ ...rsa.jwk, use: 'enc' }]],
    ['an empty list', []],
  ])('treats a JWKS with %s as a failed fetch', async (_case, document) => {
    published = document;
    const keys = provider();
    expect(await reasonOf(() => keys.getKey('rsa', 'RS256'))).toBe('keys_unavailable');
    expect(events).toEqual([expect.objectContaining({ type: 'jwks_fetch', outcome: 'failure' })]);
  });

  it('a failed first fetch answers 503 until the cooldown ends, without refetching', async () => {
    published = undefined;
    const keys = provider();
    await expect(keys.getKey('rsa', 'RS256')).rejects.toMatchObject({ retryAfterSeconds: 30 });
    await clock.advance(29_500);
    await expect(keys.getKey('rsa', 'RS256')).rejects.toMatchObject({ retryAfterSeconds: 1 });
    expect(fetches).toBe(1);
    published = [rsa.jwk];
    await clock.advance(500);
    await expect(keys.getKey('rsa', 'RS256')).resolves.toBeDefined();
    expect(fetches).toBe(2);
  });
});
