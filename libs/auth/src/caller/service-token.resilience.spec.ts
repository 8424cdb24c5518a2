import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  TestClock,
  waitUntil,
  keycloakTokenErrors,
  startFakeTokenEndpoint,
  tokenReply,
  type FakeTokenEndpoint,
} from '@app/auth/testing';
import {
  ServiceTokenService,
  TokenEndpointError,
  type ServiceTokenEvent,
  type ServiceTokenOptions,
} from './index.js';
import { TokenEndpointUnreachableError, TokenUnavailableError } from './service-token.errors.js';

const SECRET = 'resilience-spec-secret';

describe('ServiceTokenService when Keycloak struggles', () => {
  let endpoint: FakeTokenEndpoint;
  let clock: TestClock;
  let events: ServiceTokenEvent[];
  let start: number;

  beforeEach(async () => {
    endpoint = await startFakeTokenEndpoint({ clients: { 'shop-api': SECRET } });
    clock = new TestClock();
    events = [];
    start = 0;
  });
  afterEach(() => endpoint.close());

  function service(overrides: Partial<ServiceTokenOptions> = {}) {
    const svc = new ServiceTokenService({
      realmUrl: endpoint.realmUrl,
      clientId: 'shop-api',
      clientSecret: SECRET,
      clock,
      random: () => 0, // immediate retries (backoff 0), no jitter
      jitterRatio: 0,
      ...overrides,
    });
    svc.subscribe((event) => events.push(event));
    return svc;
  }

  const requests = () => endpoint.requests.length - start;
  const ofType = <T extends ServiceTokenEvent['type']>(type: T) =>
    events.filter((e): e is Extract<ServiceTokenEvent, { type: T }> => e.type === type);
  const eventCount = (type: ServiceTokenEvent['type'], count: number) =>
    waitUntil(() => ofType(type).length >= count);

  describe('endpoint down', () => {
    it('inside the refresh-ahead window: keeps serving the valid token, retries with backoff, then swaps', async () => {
      endpoint.enqueue(
        tokenReply({ expiresIn: 30 }),
        keycloakTokenErrors.unavailable(),
        keycloakTokenErrors.unavailable(),
        keycloakTokenErrors.unavailable(),
      );
      const svc = service();
      const first = await svc.getToken();
      await clock.advance(15_100);

      expect(await svc.getToken()).toBe(first); // stale: served at once, refresh starts
      await eventCount('token_refresh_failed', 1);
      expect(requests()).toBe(4); // 1 + 3 background attempts
      expect(ofType('token_refresh_failed')[0]).toMatchObject({
        servingStale: true,
        errorCode: 'http_503',
        nextAttemptInMs: 1_000,
      });

      for (let i = 0; i < 20; i++) expect(await svc.getToken()).toBe(first);
      expect(requests()).toBe(4); // circuit open: no hammering

      await clock.advance(1_000);
      expect(await svc.getToken()).toBe(first); // next background attempt succeeds
      await eventCount('token_acquired', 2);
      const second = await svc.getToken();
      expect(second).not.toBe(first);
      expect(requests()).toBe(5);
      expect(ofType('circuit_closed')).toHaveLength(1);
    });

    it('past the hard floor: never serves the old token, fails with the endpoint error, then fails fast', async () => {
      endpoint.enqueue(tokenReply({ expiresIn: 30 }));
      const svc = service();
      const first = await svc.getToken();
      endpoint.setDefaultReply(keycloakTokenErrors.unavailable());
      await clock.advance(27_000); // 3 s left = the floor for a 30 s token

      const failure = await svc.getToken().catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(TokenEndpointError);
      expect(failure).toMatchObject({ status: 503, retryable: true });
      expect(requests()).toBe(4);

      const fast = await svc.getToken().catch((e: unknown) => e);
      expect(fast).toBeInstanceOf(TokenUnavailableError);
      expect(fast).toMatchObject({ code: 'SERVICE_TOKEN_UNAVAILABLE', retryAfterMs: 1_000 });
      expect((fast as Error).message).not.toContain(first);
      expect(requests()).toBe(4);
    });

    it('unreachable host: a network error, retried, with the error code', async () => {
      const { realmUrl } = endpoint;
      await endpoint.close();
      const svc = service({ realmUrl });
      const failure = await svc.getToken().catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(TokenEndpointUnreachableError);
      expect(failure).toMatchObject({ reason: 'network', errorType: 'ECONNREFUSED' });
      expect(ofType('token_request').map((e) => e.attempt)).toEqual([1, 2, 3]);
    });

    it('a dropped connection is retried', async () => {
      endpoint.enqueue({ kind: 'drop' });
      const svc = service();
      expect(await svc.getToken()).toBe(endpoint.issued[0]);
      expect(ofType('token_request').map((e) => e.outcome)).toEqual(['error', 'success']);
    });
  });

  describe('hanging endpoint', () => {
    it('aborts each attempt after attemptTimeoutMs and gives up at totalTimeoutMs', async () => {
      endpoint.setDefaultReply({ kind: 'hang' });
      const svc = service();
      const pending = svc.getToken({ timeoutMs: 60_000 }).catch((e: unknown) => e);
      await endpoint.waitForRequests(1);
      await clock.advance(5_000);
      await endpoint.waitForRequests(2);
      await clock.advance(5_000);
      const failure = await pending;
      expect(failure).toBeInstanceOf(TokenEndpointUnreachableError);
      expect(failure).toMatchObject({ reason: 'timeout' });
      expect(requests()).toBe(2); // no third attempt: the 10 s deadline is spent
      expect(ofType('token_request').map((e) => e.outcome)).toEqual(['timeout', 'timeout']);
    });

    it('a waiter giving up (deadline or abort) does not cancel the shared fetch for the others', async () => {
      endpoint.enqueue({ kind: 'hang' });
      const svc = service();
      const impatient = svc.getToken({ timeoutMs: 1_000 }).catch((e: unknown) => e);
      const controller = new AbortController();
      const aborted = svc.getToken({ signal: controller.signal }).catch((e: unknown) => e);
      const patient = svc.getToken({ timeoutMs: 60_000 });
      await endpoint.waitForRequests(1);

      controller.abort();
      expect(await aborted).toMatchObject({ code: 'SERVICE_TOKEN_WAIT_ABORTED' });
      await clock.advance(1_000);
      expect(await impatient).toMatchObject({
        code: 'SERVICE_TOKEN_WAIT_TIMEOUT',
        timeoutMs: 1_000,
      });

      await clock.advance(4_000); // attempt 1 times out; attempt 2 gets a token
      expect(await patient).toBe(endpoint.issued[0]);
      expect(requests()).toBe(2);
    });

    it('an already aborted signal fails at once without a request', async () => {
      const svc = service();
      await expect(svc.getToken({ signal: AbortSignal.abort() })).rejects.toMatchObject({
        code: 'SERVICE_TOKEN_WAIT_ABORTED',
      });
      expect(requests()).toBe(0);
    });
  });

  describe('429 and Retry-After', () => {
    it('waits Retry-After before the next attempt', async () => {
      endpoint.enqueue(keycloakTokenErrors.tooManyRequests(2));
      const svc = service();
      const pending = svc.getToken();
      await eventCount('token_request', 1);
      await clock.advance(1_999);
      expect(requests()).toBe(1);
      await clock.advance(1);
      expect(await pending).toBe(endpoint.issued[0]);
      expect(requests()).toBe(2);
      expect(ofType('token_request')[0]).toMatchObject({ status: 429, errorType: 'http_429' });
    });

    it('fails at once when Retry-After exceeds the deadline, and opens the circuit for it', async () => {
      endpoint.enqueue(keycloakTokenErrors.tooManyRequests(20));
      const svc = service();
      await expect(svc.getToken()).rejects.toMatchObject({ status: 429, retryAfterMs: 20_000 });
      expect(requests()).toBe(1);
      await expect(svc.getToken()).rejects.toMatchObject({
        code: 'SERVICE_TOKEN_UNAVAILABLE',
        retryAfterMs: 20_000,
      });
      await clock.advance(20_000);
      expect(await svc.getToken()).toBe(endpoint.issued[0]);
    });
  });

  describe('circuit breaker', () => {
    it('opens after exhausted retries, doubles its cooldown, closes and resets on success', async () => {
      endpoint.setDefaultReply(keycloakTokenErrors.unavailable());
      const svc = service();
      await expect(svc.getToken()).rejects.toBeInstanceOf(TokenEndpointError);
      expect(svc.status()).toMatchObject({ circuit: 'open', retryInMs: 1_000 });
      for (let i = 0; i < 10; i++) {
        await expect(svc.getToken()).rejects.toBeInstanceOf(TokenUnavailableError);
      }
      expect(requests()).toBe(3);

      await clock.advance(1_000);
      await expect(svc.getToken()).rejects.toBeInstanceOf(TokenEndpointError);
      expect(requests()).toBe(6);
      expect(ofType('circuit_opened').map((e) => e.openForMs)).toEqual([1_000, 2_000]);

      await clock.advance(2_000);
      endpoint.setDefaultReply(tokenReply({ expiresIn: 5 }));
      await expect(svc.getToken()).resolves.toEqual(expect.any(String));
      expect(svc.status().circuit).toBe('closed');
      expect(ofType('circuit_closed')).toHaveLength(1);

      endpoint.setDefaultReply(keycloakTokenErrors.unavailable());
      await clock.advance(5_000);
      await expect(svc.getToken()).rejects.toBeInstanceOf(TokenEndpointError);
      expect(ofType('circuit_opened').at(-1)?.openForMs).toBe(1_000);
    });
  });

  describe('rejected credentials', () => {
    it('wrong secret: a clear error, one request, no retry storm', async () => {
      const svc = service({ clientSecret: 'not-the-secret' });
      const results = await Promise.allSettled(Array.from({ length: 50 }, () => svc.getToken()));
      const error = (results[0] as PromiseRejectedResult).reason as TokenEndpointError;
      expect(error).toBeInstanceOf(TokenEndpointError);
      expect(error).toMatchObject({
        code: 'SERVICE_TOKEN_ENDPOINT_REJECTED',
        status: 401,
        oauthError: 'unauthorized_client',
        description: 'Invalid client or Invalid client credentials',
        retryable: false,
      });
      expect(error.message).toMatch(/HTTP 401 unauthorized_client/);
      expect(error.hint).toMatch(/Credentials/);
      expect(error.message).not.toContain('not-the-secret');
      for (let i = 0; i < 20; i++) {
        await expect(svc.getToken()).rejects.toMatchObject({
          code: 'SERVICE_TOKEN_UNAVAILABLE',
          cause: error,
        });
      }
      expect(requests()).toBe(1);

      await clock.advance(5_000); // negative cache over: one more try
      await expect(svc.getToken()).rejects.toBeInstanceOf(TokenEndpointError);
      expect(requests()).toBe(2);
    });

    it('unknown client and invalid scope name the OAuth error and the likely fix', async () => {
      const unknown = await service({ clientId: 'nobody' })
        .getToken()
        .catch((e: unknown) => e);
      expect(unknown).toMatchObject({ status: 401, oauthError: 'invalid_client' });
      endpoint.enqueue(keycloakTokenErrors.invalidScope('reports:read'));
      const scope = await service({ scope: 'reports:read' })
        .getToken()
        .catch((e: unknown) => e);
      expect(scope).toMatchObject({ status: 400, oauthError: 'invalid_scope' });
      expect((scope as TokenEndpointError).hint).toMatch(/client scopes/);
      expect(requests()).toBe(2);
    });

    it('rotated secret file: re-read once on rejection, recovered without restart', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'service-token-'));
      const file = join(dir, 'client-secret');
      try {
        writeFileSync(file, 'secret-v1\n');
        endpoint.setClientSecret('shop-api', 'secret-v1');
        const svc = service({ clientSecret: undefined, clientSecretFile: file });
        const first = await svc.getToken();
        expect(endpoint.requests[0].clientSecret).toBe('secret-v1'); // trimmed

        endpoint.setClientSecret('shop-api', 'secret-v2'); // rotated in Keycloak first
        svc.invalidate(first);
        await expect(svc.getToken()).rejects.toMatchObject({ oauthError: 'unauthorized_client' });
        expect(requests()).toBe(2); // re-read gave the same secret: no retry
        expect(ofType('secret_reloaded').map((e) => e.changed)).toEqual([false]);

        writeFileSync(file, 'secret-v2\n'); // the mounted secret catches up
        await clock.advance(5_000);
        const second = await svc.getToken();
        expect(second).not.toBe(first);
        expect(endpoint.requests.slice(2).map((r) => r.clientSecret)).toEqual(['secret-v2']);
        expect(ofType('secret_reloaded').map((e) => e.changed)).toEqual([false]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('rotated secret file with a grace period: the next token request uses the new secret, none is refused', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'service-token-'));
      const file = join(dir, 'client-secret');
      try {
        writeFileSync(file, 'secret-v1\n');
        endpoint.setClientSecret('shop-api', 'secret-v1');
        const svc = service({ clientSecret: undefined, clientSecretFile: file });
        const first = await svc.getToken();
        writeFileSync(file, 'secret-v2\n'); // Keycloak accepts both until the old one expires
        endpoint.setClientSecret('shop-api', 'secret-v2');
        svc.invalidate(first);
        await svc.getToken();
        expect(endpoint.requests.map((r) => r.clientSecret)).toEqual(['secret-v1', 'secret-v2']);
        expect(ofType('secret_reloaded')).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a secret provider is asked again when Keycloak rejects the secret', async () => {
      const answers = ['provided-v1', 'provided-v2'];
      endpoint.setClientSecret('shop-api', 'provided-v2');
      const svc = service({
        clientSecret: undefined,
        clientSecretProvider: () => answers.shift()!,
      });
      await expect(svc.getToken()).resolves.toEqual(expect.any(String));
      expect(endpoint.requests.map((r) => r.clientSecret)).toEqual(['provided-v1', 'provided-v2']);
    });

    it('a missing secret file fails with its path and no request', async () => {
      const svc = service({ clientSecret: undefined, clientSecretFile: '/nonexistent/secret' });
      await expect(svc.getToken()).rejects.toMatchObject({
        code: 'SERVICE_TOKEN_CREDENTIALS_UNAVAILABLE',
        message: expect.stringContaining('/nonexistent/secret (ENOENT)'),
      });
      expect(requests()).toBe(0);
    });
  });

  it('a 200 that is not a Bearer token response is SERVICE_TOKEN_RESPONSE_INVALID', async () => {
    endpoint.enqueue(tokenReply({ tokenType: 'DPoP' }));
    await expect(service().getToken()).rejects.toMatchObject({
      code: 'SERVICE_TOKEN_RESPONSE_INVALID',
    });
    expect(ofType('token_request')).toEqual([
      expect.objectContaining({
        outcome: 'error',
        status: 200,
        errorType: 'SERVICE_TOKEN_RESPONSE_INVALID',
      }),
    ]);
  });
});
