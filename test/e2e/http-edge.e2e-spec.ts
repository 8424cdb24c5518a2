/**
 * The hostile-input suite for both apps' own endpoints, table-driven like the receiver's, over
 * real HTTP against the built apps: nothing a caller sends gets a 5xx; each refusal is a 4xx
 * with a code or message that says why; every response carries the security headers and a
 * request id; a client that hangs up is not an error in the log.
 */
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { waitFor } from '../support/processes.js';
import { send, type RawResponse } from '../support/raw-http.js';
import { Stack } from '../support/stack.js';
import { resign } from '../support/tokens.js';

jest.setTimeout(60_000);

let stack: Stack;
let customer: string;
let service: string;

beforeAll(async () => {
  // Many requests by one customer: this suite is not about rate limits (rate-limits.e2e-spec).
  stack = await Stack.start({
    env: { CHECKOUT_RATE_LIMIT_PER_CUSTOMER: '0', CHECKOUT_RATE_LIMIT_TOTAL: '0' },
  });
  customer = await stack.customerToken();
  service = await stack.serviceToken('shop-api', stack.secrets.SHOP_API_CLIENT_SECRET);
});

afterAll(async () => {
  await stack?.stop();
});

const ITEM = { sku: 'KB-001', quantity: 1 };
const CHECKOUT = JSON.stringify({ items: [ITEM] });
const NOTIFICATION = {
  orderId: 'o-edge',
  email: 'alice@example.com',
  items: [{ sku: 'KB-001', quantity: 1, unitPrice: 89.99 }],
  total: 89.99,
};
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const json = { 'content-type': 'application/json' };

/** What every answer must carry, whatever was sent. */
function expectEdgeHeaders(response: RawResponse) {
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['content-security-policy']).toContain("default-src 'self'");
  expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
  expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  expect(response.headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(response.headers['x-request-id']).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
}

type Case = [
  name: string,
  request: { headers?: Record<string, string | string[]>; body?: string | Buffer },
  status: number,
  says: RegExp,
];

describe('shop-api POST /api/checkout', () => {
  const cases: Case[] = [
    ['nesting 1,000 deep', { headers: json, body: nested(1000) }, 400, /JSON_TOO_DEEP/],
    [
      'nesting 17 deep inside an item',
      { headers: json, body: `{"items":[{"sku":${nested(15)},"quantity":1}]}` },
      400,
      /JSON_TOO_DEEP/,
    ],
    [
      'nesting 100,000 deep (over the size limit)',
      { headers: json, body: nested(100_000) },
      413,
      /too large/,
    ],
    [
      'a 17 KiB body',
      { headers: json, body: JSON.stringify({ items: [ITEM], pad: 'x'.repeat(17 * 1024) }) },
      413,
      /too large/,
    ],
    [
      '"__proto__" at the top',
      { headers: json, body: `{"__proto__":{"admin":true},"items":[${JSON.stringify(ITEM)}]}` },
      400,
      /JSON_FORBIDDEN_KEY/,
    ],
    [
      '"__proto__" in an item',
      { headers: json, body: '{"items":[{"sku":"KB-001","quantity":1,"__proto__":{"x":1}}]}' },
      400,
      /JSON_FORBIDDEN_KEY/,
    ],
    [
      '"__proto__" spelt with escapes',
      { headers: json, body: '{"\\u005f\\u005fproto__":{"x":1},"items":[]}' },
      400,
      /JSON_FORBIDDEN_KEY/,
    ],
    [
      '"constructor" with "prototype"',
      { headers: json, body: '{"constructor":{"prototype":{"x":1}},"items":[]}' },
      400,
      /JSON_FORBIDDEN_KEY/,
    ],
    [
      'a "constructor" key',
      { headers: json, body: `{"constructor":{},"items":[${JSON.stringify(ITEM)}]}` },
      400,
      /JSON_FORBIDDEN_KEY.*constructor/,
    ],
    [
      'a "toString" key',
      { headers: json, body: `{"toString":1,"items":[${JSON.stringify(ITEM)}]}` },
      400,
      /JSON_FORBIDDEN_KEY.*toString/,
    ],
    [
      'a "hasOwnProperty" key in an item',
      { headers: json, body: '{"items":[{"sku":"KB-001","quantity":1,"hasOwnProperty":1}]}' },
      400,
      /JSON_FORBIDDEN_KEY.*hasOwnProperty/,
    ],
    [
      'charset=utf-16',
      {
        headers: { 'content-type': 'application/json; charset=utf-16' },
        body: Buffer.from(CHECKOUT, 'utf16le'),
      },
      415,
      /UNSUPPORTED_CHARSET/,
    ],
    [
      'charset=iso-8859-1',
      { headers: { 'content-type': 'application/json; charset=iso-8859-1' }, body: CHECKOUT },
      415,
      /UNSUPPORTED_CHARSET/,
    ],
    [
      'a gzip body',
      { headers: { ...json, 'content-encoding': 'gzip' }, body: gzipSync(CHECKOUT) },
      415,
      /UNSUPPORTED_CONTENT_ENCODING/,
    ],
    [
      'bytes that are not UTF-8',
      { headers: json, body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) },
      400,
      /BODY_NOT_UTF8/,
    ],
    [
      'an overlong UTF-8 encoding of "/"',
      {
        headers: json,
        body: Buffer.concat([
          Buffer.from('{"items":[{"sku":"'),
          Buffer.from([0xc0, 0xaf]),
          Buffer.from('","quantity":1}]}'),
        ]),
      },
      400,
      /BODY_NOT_UTF8/,
    ],
    ['an empty body', { headers: json, body: '' }, 400, /BODY_EMPTY|empty/i],
    ['only whitespace', { headers: json, body: ' \n\t ' }, 400, /BODY_EMPTY/],
    ['null', { headers: json, body: 'null' }, 400, /BODY_NOT_OBJECT/],
    ['an array', { headers: json, body: `[${CHECKOUT}]` }, 400, /BODY_NOT_OBJECT/],
    ['a string', { headers: json, body: '"items"' }, 400, /BODY_NOT_OBJECT/],
    ['a number', { headers: json, body: '42' }, 400, /BODY_NOT_OBJECT/],
    ['truncated JSON', { headers: json, body: '{"items":[' }, 400, /BODY_NOT_JSON/],
    ['JSON with trailing garbage', { headers: json, body: `${CHECKOUT} x` }, 400, /BODY_NOT_JSON/],
    [
      'NaN',
      { headers: json, body: '{"items":[{"sku":"KB-001","quantity":NaN}]}' },
      400,
      /BODY_NOT_JSON/,
    ],
    [
      'text/plain',
      { headers: { 'content-type': 'text/plain' }, body: CHECKOUT },
      415,
      /Unsupported Media Type/,
    ],
    [
      'a form',
      { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'items=1' },
      415,
      /Unsupported Media Type/,
    ],
    ['no content type', { body: CHECKOUT }, 415, /Unsupported Media Type/],
    [
      'quantity 1e400 (Infinity)',
      { headers: json, body: '{"items":[{"sku":"KB-001","quantity":1e400}]}' },
      400,
      /quantity must be/,
    ],
    [
      'quantity as text',
      { headers: json, body: '{"items":[{"sku":"KB-001","quantity":"1"}]}' },
      400,
      /quantity must be an integer/,
    ],
    [
      'items as an object with a length',
      { headers: json, body: '{"items":{"length":1000000000}}' },
      400,
      /items must be an array/,
    ],
    [
      'a sku that is an object',
      { headers: json, body: '{"items":[{"sku":{"length":6},"quantity":1}]}' },
      400,
      /sku must be a string/,
    ],
    [
      'a sku with a right-to-left override',
      { headers: json, body: JSON.stringify({ items: [{ sku: 'KB\u202e001', quantity: 1 }] }) },
      400,
      /sku must be 1-64 letters/,
    ],
    [
      'a sku with a NUL',
      { headers: json, body: JSON.stringify({ items: [{ sku: 'KB\u0000001', quantity: 1 }] }) },
      400,
      /sku must be 1-64 letters/,
    ],
    [
      '51 items',
      { headers: json, body: JSON.stringify({ items: Array(51).fill(ITEM) }) },
      400,
      /at most 50 items/,
    ],
    [
      'a 20 KiB header',
      { headers: { ...json, 'x-filler': 'a'.repeat(20 * 1024) }, body: CHECKOUT },
      431,
      /Header/,
    ],
    [
      'a UTF-8 BOM before valid JSON (accepted)',
      { headers: json, body: `\ufeff${CHECKOUT}` },
      201,
      /"status":"confirmed"/,
    ],
  ];

  it.each(cases)('%s → %s', async (_name, request, status, says) => {
    const response = await send(
      `${stack.shopApi.url}/api/checkout`,
      'POST',
      { authorization: `Bearer ${customer}`, ...request.headers },
      request.body,
    );
    expect({ status: response.status, text: response.text }).toEqual({
      status,
      text: expect.stringMatching(says),
    });
    if (status !== 431) expectEdgeHeaders(response);
  });

  it('an oversized bearer token is a 401, not a parse error', async () => {
    const response = await send(
      `${stack.shopApi.url}/api/checkout`,
      'POST',
      { ...json, authorization: `Bearer ${'A'.repeat(12_000)}` },
      CHECKOUT,
    );
    expect(response.status).toBe(401);
    expectEdgeHeaders(response);
  });

  it.each([
    ['markup', '<script>alert(1)</script>'],
    ['a 200-character id', 'r'.repeat(200)],
    ['spaces', 'a b'],
  ])('an X-Request-Id with %s is replaced by a fresh one', async (_what, requestId) => {
    const response = await send(`${stack.shopApi.url}/health/live`, 'GET', {
      'x-request-id': requestId,
    });
    expect(response.status).toBe(200);
    expect(response.headers['x-request-id']).not.toBe(requestId);
    expectEdgeHeaders(response);
  });
});

describe("shop-api's other routes", () => {
  const uuid = '00000000-0000-4000-8000-000000000000';
  it.each([
    ['an order id that is not a UUID', 'GET', '/api/orders/not-a-uuid', 400, /uuid/i],
    ['a path traversal', 'GET', '/api/orders/..%2F..%2Fetc%2Fpasswd', 400, /uuid/i],
    ['a broken percent-encoding', 'GET', '/api/orders/%E0%A4%A', 400, /FST_ERR_BAD_URL/],
    [
      'a 101-character order id',
      'GET',
      `/api/orders/${'a'.repeat(101)}`,
      414,
      /FST_ERR_MAX_PARAM_LENGTH/,
    ],
    [
      'a query that tries prototype pollution',
      'GET',
      `/api/orders/${uuid}?__proto__[admin]=1&constructor[prototype][x]=1`,
      404,
      /No such order/,
    ],
    ['an unknown order', 'GET', `/api/orders/${uuid}`, 404, /No such order/],
    ['PUT on checkout', 'PUT', '/api/checkout', 404, /Cannot PUT/],
    ['an unknown route', 'GET', '/admin', 404, /Cannot GET/],
    ['the OpenAPI UI', 'GET', '/docs', 200, /swagger-ui/],
    ['the OpenAPI document', 'GET', '/docs-json', 200, /"openapi"/],
    ['metrics', 'GET', '/metrics', 200, /http_server_request_duration_seconds/],
  ])('%s → %s', async (_name, method, path, status, says) => {
    const response = await send(`${stack.shopApi.url}${path}`, method, {
      authorization: `Bearer ${customer}`,
    });
    expect({ status: response.status, text: response.text }).toEqual({
      status,
      text: expect.stringMatching(says),
    });
    expectEdgeHeaders(response);
  });
});

describe('notification-service POST /api/notifications/order', () => {
  const body = JSON.stringify(NOTIFICATION);
  let n = 0;
  /** A fresh order id per case, so the idempotency store never answers instead of the check. */
  const fresh = () => JSON.stringify({ ...NOTIFICATION, orderId: `o-edge-${(n += 1)}` });
  const cases: Array<
    [
      string,
      () => { headers?: Record<string, string | string[]>; body?: string | Buffer },
      number,
      RegExp,
    ]
  > = [
    [
      'an empty Idempotency-Key',
      () => ({ headers: { ...json, 'idempotency-key': '' }, body: fresh() }),
      400,
      /Idempotency-Key must be/,
    ],
    [
      'a 129-character Idempotency-Key',
      () => ({ headers: { ...json, 'idempotency-key': 'k'.repeat(129) }, body: fresh() }),
      400,
      /Idempotency-Key must be/,
    ],
    [
      'an Idempotency-Key with a space',
      () => ({ headers: { ...json, 'idempotency-key': 'a b' }, body: fresh() }),
      400,
      /Idempotency-Key must be/,
    ],
    [
      'an Idempotency-Key with non-ASCII',
      () => ({ headers: { ...json, 'idempotency-key': 'schl\u00fcssel' }, body: fresh() }),
      400,
      /Idempotency-Key must be/,
    ],
    [
      'an Idempotency-Key sent twice',
      () => ({ headers: { ...json, 'idempotency-key': ['k-1', 'k-2'] }, body: fresh() }),
      400,
      /Idempotency-Key must be/,
    ],
    [
      'an unbalanced quoted Idempotency-Key',
      () => ({ headers: { ...json, 'idempotency-key': '"k-1' }, body: fresh() }),
      400,
      /Idempotency-Key must be/,
    ],
    [
      'a quoted Idempotency-Key (accepted)',
      () => ({ headers: { ...json, 'idempotency-key': `"k-quoted-${n}"` }, body: fresh() }),
      201,
      /"status":"sent"/,
    ],
    ['nesting 1,000 deep', () => ({ headers: json, body: nested(1000) }), 400, /JSON_TOO_DEEP/],
    [
      'a 65 KiB body',
      () => ({
        headers: json,
        body: JSON.stringify({ ...NOTIFICATION, pad: 'x'.repeat(65 * 1024) }),
      }),
      413,
      /too large/,
    ],
    [
      '"__proto__"',
      () => ({ headers: json, body: `{"__proto__":{"x":1},${body.slice(1)}` }),
      400,
      /JSON_FORBIDDEN_KEY/,
    ],
    [
      'charset=utf-16',
      () => ({
        headers: { 'content-type': 'application/json; charset=utf-16' },
        body: Buffer.from(body, 'utf16le'),
      }),
      415,
      /UNSUPPORTED_CHARSET/,
    ],
    [
      'a gzip body',
      () => ({ headers: { ...json, 'content-encoding': 'gzip' }, body: gzipSync(body) }),
      415,
      /UNSUPPORTED_CONTENT_ENCODING/,
    ],
    ['an array', () => ({ headers: json, body: `[${body}]` }), 400, /BODY_NOT_OBJECT/],
    [
      'an email with a line break (header injection)',
      () => ({
        headers: json,
        body: JSON.stringify({
          ...NOTIFICATION,
          email: 'alice@example.com\r\nBcc: eve@example.com',
        }),
      }),
      400,
      /email must be an email address/,
    ],
    [
      'a 255-character email',
      () => ({
        headers: json,
        body: JSON.stringify({ ...NOTIFICATION, email: `${'a'.repeat(243)}@example.com` }),
      }),
      400,
      /email must be an email address of at most 254/,
    ],
    [
      'an orderId with non-ASCII',
      () => ({ headers: json, body: JSON.stringify({ ...NOTIFICATION, orderId: 'o-\u0431' }) }),
      400,
      /orderId must contain only/,
    ],
    [
      'an item name with a control character',
      () => ({
        headers: json,
        body: JSON.stringify({
          ...NOTIFICATION,
          items: [{ sku: 'KB-001', quantity: 1, name: 'Key\u0007board' }],
        }),
      }),
      400,
      /must not contain control characters/,
    ],
    [
      'a total of 1e400 (Infinity)',
      () => ({ headers: json, body: body.replace('"total":89.99', '"total":1e400') }),
      400,
      /total must be a number/,
    ],
  ];

  it.each(cases)('%s → %s', async (_name, build, status, says) => {
    const request = build();
    const response = await send(
      `${stack.notificationService.url}/api/notifications/order`,
      'POST',
      { authorization: `Bearer ${service}`, ...request.headers },
      request.body,
    );
    expect({ status: response.status, text: response.text }).toEqual({
      status,
      text: expect.stringMatching(says),
    });
    expectEdgeHeaders(response);
  });
});

describe('a customer token with an email notification-service would refuse', () => {
  const token = (email: unknown) => {
    const { privateKey } = stack.realmSigningKey();
    return resign(customer, (claims) => Object.assign(claims, { email }), privateKey);
  };
  const emailsBefore = () => stack.smtp.messages.length;

  it.each([
    ['not an address', 'alice'],
    ['a line break (header injection)', 'alice@example.com\r\nBcc: eve@example.com'],
    ['255 characters', `${'a'.repeat(243)}@example.com`],
    ['a display name', 'Alice <alice@example.com>'],
  ])('%s: 422 at checkout, no order, no email', async (_what, email) => {
    const before = emailsBefore();
    const response = await send(
      `${stack.shopApi.url}/api/checkout`,
      'POST',
      { ...json, authorization: `Bearer ${token(email)}` },
      CHECKOUT,
    );
    expect(response.status).toBe(422);
    expect(response.json?.message).toMatch(/email address cannot receive the order confirmation/);
    expect(emailsBefore()).toBe(before);
  });

  it('no email at all: 422 as before', async () => {
    const response = await send(
      `${stack.shopApi.url}/api/checkout`,
      'POST',
      { ...json, authorization: `Bearer ${token(undefined)}` },
      CHECKOUT,
    );
    expect(response.status).toBe(422);
    expect(response.json?.message).toMatch(/no email address/);
  });

  it('the control case: a plain address checks out and is emailed', async () => {
    const response = await send(
      `${stack.shopApi.url}/api/checkout`,
      'POST',
      { ...json, authorization: `Bearer ${token('bob.smith+shop@example.org')}` },
      CHECKOUT,
    );
    expect(response.status).toBe(201);
    const orderId = String(response.json?.orderId);
    await waitFor('the email', 5_000, () =>
      stack.smtp.messages.some((email) => email.subject.includes(orderId)),
    );
  });
});

describe('clients that hang up', () => {
  /** Opens a connection, writes `data`, and closes it `afterMs` later without reading. */
  async function hangUp(port: number, data: string, afterMs: number) {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(data);
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    socket.destroy();
  }
  const head = (path: string, token: string, length: number) =>
    `POST ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

  it('mid-headers, mid-body and before the answer: one info line each, no error, no stack trace', async () => {
    const logs = () => stack.shopApi.output().length + stack.notificationService.output().length;
    const before = {
      shop: stack.shopApi.output().length,
      notification: stack.notificationService.output().length,
    };
    const notificationPath = '/api/notifications/order';
    const notification = JSON.stringify({ ...NOTIFICATION, orderId: 'o-hang-up' });
    await hangUp(stack.shopApi.port, 'POST /api/checkout HTTP/1.1\r\nHost: local', 20);
    await hangUp(stack.shopApi.port, `${head('/api/checkout', customer, 1000)}{"items":`, 50);
    await hangUp(
      stack.shopApi.port,
      `${head('/api/checkout', customer, CHECKOUT.length)}${CHECKOUT}`,
      1,
    );
    await hangUp(
      stack.notificationService.port,
      `${head(notificationPath, service, 1000)}{"orderId"`,
      50,
    );
    await hangUp(
      stack.notificationService.port,
      `${head(notificationPath, service, notification.length)}${notification}`,
      1,
    );
    const settled = logs();
    await waitFor('the apps to finish what the clients left', 5_000, async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return (
        logs() === settled || (await send(`${stack.shopApi.url}/health/live`, 'GET')).status === 200
      );
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const written = [
      stack.shopApi.output().slice(before.shop),
      stack.notificationService.output().slice(before.notification),
    ].join('\n');
    expect(written).not.toMatch(/"level":"(error|fatal)"/);
    expect(written).not.toMatch(/stack|\n\s+at /);
    // Each request that got as far as a route is one info line (mid-headers never does).
    const hangUps = written.match(
      /POST \/api\/[a-z/]+ 499 \d+ms: the client closed the connection/g,
    );
    expect(hangUps).toHaveLength(4);
    for (const app of [stack.shopApi, stack.notificationService]) {
      expect((await send(`${app.url}/health/live`, 'GET')).status).toBe(200);
    }
  });
});
