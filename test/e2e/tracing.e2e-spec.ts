/**
 * One checkout, one trace: both built apps export to a real OTLP/HTTP receiver in this test
 * (OTEL_EXPORTER_OTLP_ENDPOINT, the JSON encoding), shop-api reaches Keycloak through a
 * recording proxy, and the test reads what a person would see in a trace viewer.
 */
import { randomUUID } from 'node:crypto';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { waitFor } from '../support/processes.js';
import { RecordingProxy } from '../support/recording-proxy.js';
import { Stack } from '../support/stack.js';

jest.setTimeout(60_000);

const SERVER = 2;
const CLIENT = 3;

let stack: Stack;
let receiver: OtlpReceiver;
let proxy: RecordingProxy | undefined;

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  stack = await Stack.start({
    // Cold: the first checkout fetches shop-api's token itself, so its trace shows the request.
    warm: false,
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    },
    shopApiEnv: async (keycloakUrl) => {
      proxy = await RecordingProxy.start(keycloakUrl);
      return { KEYCLOAK_URL: proxy.url };
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await Promise.allSettled([receiver?.close(), proxy?.close()]);
});

async function checkout(token: string, requestId: string) {
  const response = await fetch(`${stack.shopApi.url}/api/checkout`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'x-request-id': requestId,
    },
    body: JSON.stringify({ items: [{ sku: 'KB-001', quantity: 1 }] }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { orderId: string; notification: string };
}

/** The trace whose shop-api server span answered `requestId`, once notification-service's email span arrived. */
async function traceOf(orderId: string): Promise<ReceivedSpan[]> {
  let traceId = '';
  await waitFor('the checkout trace to be exported', 10_000, () => {
    const email = receiver.spans.find(
      (span) => span.name === 'email.send' && span.attributes['order.id'] === orderId,
    );
    traceId = email?.traceId ?? '';
    return (
      traceId !== '' &&
      receiver.spans.some((span) => span.traceId === traceId && span.name === 'POST /api/checkout')
    );
  });
  return receiver.spans.filter((span) => span.traceId === traceId);
}

function only(spans: ReceivedSpan[], service: string, name: string): ReceivedSpan {
  const found = spans.filter((span) => span.service === service && span.name === name);
  expect(found.map((span) => `${span.service} ${span.name}`)).toEqual([`${service} ${name}`]);
  return found[0];
}

const parentOf = (spans: ReceivedSpan[], span: ReceivedSpan) =>
  spans.find((candidate) => candidate.spanId === span.parentSpanId);

describe('one checkout is one trace across both services', () => {
  let customerToken: string;
  let spans: ReceivedSpan[];
  const requestId = `req-${randomUUID()}`;
  let orderId: string;

  beforeAll(async () => {
    customerToken = await stack.customerToken();
    ({ orderId } = await checkout(customerToken, requestId));
    spans = await traceOf(orderId);
  });

  it('starts at shop-api and reaches notification-service and the email send', () => {
    const root = only(spans, 'shop-api', 'POST /api/checkout');
    expect(root.kind).toBe(SERVER);
    expect(root.parentSpanId).toBe('');
    expect(new Set(spans.map((span) => span.service))).toEqual(
      new Set(['shop-api', 'notification-service']),
    );
    const email = only(spans, 'notification-service', 'email.send');
    expect(email.attributes).toMatchObject({ 'order.id': orderId, 'email.transport': 'smtp' });
  });

  it("shows the guard's decision on the customer's token", () => {
    const guard = only(spans, 'shop-api', 'auth.guard');
    expect(guard.attributes).toMatchObject({
      'auth.outcome': 'accepted',
      'auth.status': 200,
      'auth.caller': 'techstore-e2e',
    });
    expect(parentOf(spans, guard)?.name).toBe('handler - CheckoutController.checkout');
  });

  it('shows the token fetch (a cache miss) with its HTTP request to Keycloak inside', () => {
    const lookup = only(spans, 'shop-api', 'service_token.get');
    expect(lookup.attributes).toMatchObject({
      'oauth.client_id': 'shop-api',
      'service_token.cache': 'miss',
      'service_token.lifetime_s': 300,
    });
    expect(lookup.events).toEqual([
      expect.objectContaining({
        name: 'token_request',
        attributes: expect.objectContaining({ trigger: 'miss', outcome: 'success', attempt: 1 }),
      }),
    ]);
    expect(parentOf(spans, lookup)?.name).toBe('notification.deliver');
    const tokenRequest = spans.find((span) => span.parentSpanId === lookup.spanId);
    expect(tokenRequest).toMatchObject({ kind: CLIENT, name: 'POST' });
    expect(tokenRequest?.attributes['url.path']).toBe(
      '/realms/techstore/protocol/openid-connect/token',
    );
  });

  it('sent a W3C traceparent of this trace with the token request', () => {
    const tokenRequests = (proxy?.requests ?? []).filter((request) =>
      request.path.endsWith('/protocol/openid-connect/token'),
    );
    expect(tokenRequests).toHaveLength(1);
    const traceparent = String(tokenRequests[0].headers.traceparent);
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(traceparent.split('-')[1]).toBe(spans[0].traceId);
  });

  it("continues in notification-service under shop-api's client span, with its guard decision", () => {
    const server = only(spans, 'notification-service', 'POST /api/notifications/order');
    const client = parentOf(spans, server);
    expect(client).toMatchObject({ service: 'shop-api', kind: CLIENT, name: 'POST' });
    expect(parentOf(spans, client as ReceivedSpan)?.name).toBe('notification.deliver');
    const guard = only(spans, 'notification-service', 'auth.guard');
    expect(guard.attributes).toMatchObject({
      'auth.outcome': 'accepted',
      'auth.caller': 'shop-api',
    });
  });

  it("logs the same request id and trace id in both services' lines for this checkout", () => {
    const traceId = spans[0].traceId;
    for (const app of [stack.shopApi, stack.notificationService]) {
      const lines = app
        .output()
        .split('\n')
        .filter((line) => line.includes(orderId))
        .map((line) => JSON.parse(line) as Record<string, string>);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toMatchObject({ requestId, traceId });
    }
  });

  it('carries no token, secret or email address anywhere in what was exported', () => {
    const exported = receiver.bodies.join('\n');
    expect(exported).toContain(orderId); // the bodies were captured at all
    expect(exported).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(exported).not.toContain(customerToken.split('.')[2]);
    for (const secret of Object.values(stack.secrets)) expect(exported).not.toContain(secret);
    expect(exported).not.toMatch(/@example\.com|@techstore/i);
    expect(exported.toLowerCase()).not.toContain('authorization');
  });

  it('a second checkout serves the token from the cache: no token request in its trace', async () => {
    const second = await checkout(customerToken, `req-${randomUUID()}`);
    const trace = await traceOf(second.orderId);
    expect(only(trace, 'shop-api', 'service_token.get').attributes['service_token.cache']).toBe(
      'hit',
    );
    expect(
      trace.filter((span) => span.attributes['url.path']?.toString().endsWith('/token')),
    ).toEqual([]);
    expect(only(trace, 'notification-service', 'auth.guard').attributes['auth.token_cache']).toBe(
      'hit',
    );
  });

  it("a delivery the outbox relay makes later, after an outage, joins the checkout's trace", async () => {
    await stack.notificationService.stop();
    const later = `req-${randomUUID()}`;
    const pending = await checkout(customerToken, later);
    expect(pending.notification).toBe('pending');
    await stack.notificationService.start();
    let trace = await traceOf(pending.orderId);
    await waitFor('the delivery span that sent it', 10_000, () => {
      trace = receiver.spans.filter((span) => span.traceId === trace[0].traceId);
      return trace.some((span) => span.attributes['notification.state'] === 'sent');
    });
    const deliveries = trace
      .filter((span) => span.service === 'shop-api' && span.name === 'notification.deliver')
      .sort(
        (a, b) =>
          Number(a.attributes['notification.attempt']) -
          Number(b.attributes['notification.attempt']),
      );
    expect(deliveries.map((span) => span.attributes['notification.state'])).toEqual([
      ...Array(deliveries.length - 1).fill('pending'),
      'sent',
    ]);
    expect(deliveries.length).toBeGreaterThanOrEqual(2);
    only(trace, 'shop-api', 'POST /api/checkout');
    only(trace, 'notification-service', 'email.send');
    const relayed = stack.shopApi
      .output()
      .split('\n')
      .filter((line) => line.includes(`for order ${pending.orderId} sent`))
      .map((line) => JSON.parse(line) as Record<string, string>);
    expect(relayed).toEqual([
      expect.objectContaining({ requestId: later, traceId: trace[0].traceId }),
    ]);
  });

  it('probes and scrapes start no trace', () => {
    const untraced = receiver.spans.filter((span) =>
      /^\/(health|metrics)/.test(
        String(span.attributes['url.path'] ?? span.attributes['http.route'] ?? ''),
      ),
    );
    expect(untraced).toEqual([]);
  });
});
