/**
 * Rate limits over real HTTP against the built apps, with small limits and a one-hour window so
 * nothing refills during the test: checkouts per customer and overall in shop-api, notifications
 * per caller in notification-service; probes and scrapes are never limited.
 */
import { send, type RawResponse } from '../support/raw-http.js';
import { Stack } from '../support/stack.js';
import { resign } from '../support/tokens.js';

jest.setTimeout(60_000);

const WINDOW_SECONDS = 3600;
let stack: Stack;
let alice: string;
let bob: string;

beforeAll(async () => {
  stack = await Stack.start({
    env: {
      CHECKOUT_RATE_LIMIT_PER_CUSTOMER: '2',
      CHECKOUT_RATE_LIMIT_TOTAL: '3',
      CHECKOUT_RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
      NOTIFICATION_RATE_LIMIT_PER_CALLER: '3',
      NOTIFICATION_RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
    },
  });
  alice = await stack.customerToken();
  const { privateKey } = stack.realmSigningKey();
  bob = resign(
    alice,
    (claims) => Object.assign(claims, { sub: 'bob-subject', email: 'bob@example.com' }),
    privateKey,
  );
});

afterAll(async () => {
  await stack?.stop();
});

const checkout = (token?: string) =>
  send(
    `${stack.shopApi.url}/api/checkout`,
    'POST',
    { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    JSON.stringify({ items: [{ sku: 'KB-001', quantity: 1 }] }),
  );

function expectLimited(response: RawResponse, limit: string, refillSeconds: number) {
  expect(response.status).toBe(429);
  expect(response.json).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
  expect(response.json?.message).toContain(limit);
  const retryAfter = Number(response.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(refillSeconds);
  expect(response.json?.retryAfterSeconds).toBe(retryAfter);
  expect(response.headers['x-content-type-options']).toBe('nosniff');
}

describe('notification-service: notifications per caller', () => {
  it('shop-api may send 3, the 4th gets 429 with Retry-After', async () => {
    const token = await stack.serviceToken('shop-api', stack.secrets.SHOP_API_CLIENT_SECRET);
    const notify = (n: number) =>
      send(
        `${stack.notificationService.url}/api/notifications/order`,
        'POST',
        { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        JSON.stringify({
          orderId: `o-limit-${n}`,
          email: 'alice@example.com',
          items: [{ sku: 'KB-001', quantity: 1 }],
          total: 89.99,
        }),
      );
    for (const n of [1, 2, 3]) expect((await notify(n)).status).toBe(201);
    expectLimited(await notify(4), 'notifications per caller', WINDOW_SECONDS / 3);
  });

  it('a request without a valid token is refused by the guard first and counts nothing', async () => {
    const response = await send(
      `${stack.notificationService.url}/api/notifications/order`,
      'POST',
      {
        'content-type': 'application/json',
      },
      '{}',
    );
    expect(response.status).toBe(401);
  });
});

describe('shop-api: checkouts per customer and overall', () => {
  it('requests without a valid token are 401, never 429, and use no allowance', async () => {
    for (let n = 0; n < 5; n += 1) expect((await checkout()).status).toBe(401);
  });

  it('alice may check out twice; the third is 429 naming the per-customer limit', async () => {
    expect((await checkout(alice)).status).toBe(201);
    expect((await checkout(alice)).status).toBe(201);
    expectLimited(await checkout(alice), 'checkouts per customer', WINDOW_SECONDS / 2);
  });

  it('bob has his own allowance, until all customers together reach the overall limit', async () => {
    expect((await checkout(bob)).status).toBe(201);
    expectLimited(await checkout(bob), 'checkouts of all customers', WINDOW_SECONDS / 3);
  });

  it('health, readiness and metrics are never limited', async () => {
    for (let n = 0; n < 20; n += 1) {
      for (const path of ['/health/live', '/health/ready', '/metrics']) {
        expect((await send(`${stack.shopApi.url}${path}`, 'GET')).status).toBe(200);
      }
    }
  });

  it('counts each refusal by limit in /metrics', async () => {
    const metrics = (await send(`${stack.shopApi.url}/metrics`, 'GET')).text;
    expect(metrics).toMatch(
      /http_rate_limited_total\{limit="checkouts per customer",service="shop-api"\} 1/,
    );
    expect(metrics).toMatch(
      /http_rate_limited_total\{limit="checkouts of all customers",service="shop-api"\} 1/,
    );
  });
});
