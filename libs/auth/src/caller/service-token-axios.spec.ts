import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AxiosError, AxiosInstance, AxiosStatic } from 'axios' with {
  'resolution-mode': 'import',
};
import {
  TestClock,
  startFakeTokenEndpoint,
  waitUntil,
  type FakeTokenEndpoint,
} from '@app/auth/testing';
import { attachServiceToken, ServiceTokenService, type ServiceTokenEvent } from './index.js';
import type { UnauthorizedOutcome } from './service-token.events.js';

/** The axios that @nestjs/axios (an ES module) uses: its instances are what HttpService takes. */
let axios: AxiosStatic;
beforeAll(async () => {
  ({ default: axios } = await import('axios'));
});

const SECRET = 'axios-spec-secret';

interface Seen {
  method: string;
  token: string;
}

describe('attachServiceToken (axios): Bearer header and the 401 rule', () => {
  let endpoint: FakeTokenEndpoint;
  let resource: Server;
  let baseURL: string;
  /** Tokens the resource server treats as revoked (401); `'all'` rejects every token. */
  let rejected: Set<string> | 'all';
  let forbidden: boolean;
  let held: Array<() => void>;
  let seen: Seen[];
  let clock: TestClock;
  let events: ServiceTokenEvent[];
  let tokens: ServiceTokenService;
  let http: AxiosInstance;

  beforeAll(async () => {
    endpoint = await startFakeTokenEndpoint({ clients: { 'shop-api': SECRET } });
    resource = createServer((req: IncomingMessage, res: ServerResponse) => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      seen.push({ method: req.method!, token });
      const respond = () => {
        const status = forbidden ? 403 : rejected === 'all' || rejected.has(token) ? 401 : 200;
        res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      };
      req.resume();
      req.on('end', () => {
        // The first request to /held waits for the test; its replay is answered at once.
        if (req.url === '/held' && held.length === 0) held.push(respond);
        else respond();
      });
    });
    await new Promise<void>((resolve) => resource.listen(0, '127.0.0.1', resolve));
    baseURL = `http://127.0.0.1:${(resource.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await endpoint.close();
    resource.closeAllConnections();
    await new Promise((resolve) => resource.close(resolve));
  });

  beforeEach(() => {
    rejected = new Set();
    forbidden = false;
    held = [];
    seen = [];
    events = [];
    clock = new TestClock();
    tokens = new ServiceTokenService({
      realmUrl: endpoint.realmUrl,
      clientId: 'shop-api',
      clientSecret: SECRET,
      clock,
    });
    tokens.subscribe((event) => events.push(event));
    http = attachServiceToken(axios.create({ baseURL }), tokens);
  });

  const tokenRequests = () => events.filter((e) => e.type === 'token_request').length;
  const unauthorized = () =>
    events.flatMap((e) => (e.type === 'resource_unauthorized' ? [e.outcome] : []));
  const status = (promise: Promise<unknown>) =>
    promise.then(
      () => 200,
      (error: AxiosError) => error.response?.status,
    );

  it('sends the cached token as Bearer on every request', async () => {
    await http.get('/a');
    await http.post('/b', { x: 1 });
    const token = await tokens.getToken();
    expect(seen).toEqual([
      { method: 'GET', token },
      { method: 'POST', token },
    ]);
    expect(tokenRequests()).toBe(1);
  });

  it('never sends a request without a token when none can be obtained', async () => {
    const broken = new ServiceTokenService({
      realmUrl: endpoint.realmUrl,
      clientId: 'shop-api',
      clientSecret: 'wrong',
      clock,
    });
    const client = attachServiceToken(axios.create({ baseURL }), broken);
    await expect(client.get('/a')).rejects.toMatchObject({
      code: 'SERVICE_TOKEN_ENDPOINT_REJECTED',
    });
    expect(seen).toEqual([]);
  });

  it('401 on a GET: drops the rejected token, fetches one new token, replays once', async () => {
    const first = await tokens.getToken();
    rejected = new Set([first]);
    const response = await http.get('/a');
    expect(response.status).toBe(200);
    const second = await tokens.getToken();
    expect(second).not.toBe(first);
    expect(seen.map((s) => s.token)).toEqual([first, second]);
    expect(tokenRequests()).toBe(2);
    expect(unauthorized()).toEqual<UnauthorizedOutcome[]>(['replayed']);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'token_request', trigger: 'unauthorized_recovery' }),
    );
  });

  it('401 with a token that was already replaced: keeps the newer token, replays with it', async () => {
    const first = await tokens.getToken();
    const inFlight = http.get('/held'); // sent with `first`, answered later
    await waitUntil(() => held.length === 1);
    tokens.invalidate(first);
    const second = await tokens.getToken(); // someone else refreshed meanwhile
    rejected = new Set([first]);
    held[0]();
    expect((await inFlight).status).toBe(200);
    expect(seen.map((s) => s.token)).toEqual([first, second]);
    expect(await tokens.getToken()).toBe(second); // the newer token was not dropped
    expect(tokenRequests()).toBe(2);
    expect(events.filter((e) => e.type === 'token_invalidated')).toEqual([
      expect.objectContaining({ reason: 'manual' }),
    ]);
  });

  it('POST without Idempotency-Key: not replayed, but the rejected token is dropped', async () => {
    const first = await tokens.getToken();
    rejected = new Set([first]);
    expect(await status(http.post('/orders', { id: 1 }))).toBe(401);
    expect(seen).toEqual([{ method: 'POST', token: first }]);
    expect(unauthorized()).toEqual(['not_replayable']);
    await http.get('/next');
    expect(seen.at(-1)?.token).not.toBe(first);
  });

  it('POST with an Idempotency-Key is replayed once', async () => {
    const first = await tokens.getToken();
    rejected = new Set([first]);
    const response = await http.post(
      '/orders',
      { id: 1 },
      { headers: { 'Idempotency-Key': 'o-1' } },
    );
    expect(response.status).toBe(200);
    expect(seen.map((s) => s.method)).toEqual(['POST', 'POST']);
    expect(unauthorized()).toEqual(['replayed']);
  });

  it('replays at most once, and forces at most one refresh per 5 s per key', async () => {
    rejected = 'all';
    expect(await status(http.get('/a'))).toBe(401); // replayed once with a new token, 401 again
    expect(seen).toHaveLength(2);
    expect(tokenRequests()).toBe(2);

    expect(await status(http.get('/b'))).toBe(401); // within 5 s: no new token, no replay
    expect(seen).toHaveLength(3);
    expect(tokenRequests()).toBe(2);
    expect(unauthorized()).toEqual(['replayed', 'no_newer_token']);

    await clock.advance(5_000);
    expect(await status(http.get('/c'))).toBe(401);
    expect(tokenRequests()).toBe(3);
    expect(seen).toHaveLength(5);
  });

  it('403 never invalidates and is not replayed', async () => {
    const token = await tokens.getToken();
    forbidden = true;
    expect(await status(http.get('/a'))).toBe(403);
    expect(seen).toHaveLength(1);
    expect(await tokens.getToken()).toBe(token);
    expect(unauthorized()).toEqual([]);
    expect(tokenRequests()).toBe(1);
  });
});
