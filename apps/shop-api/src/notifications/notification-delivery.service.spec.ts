import { ConsoleLogger, Logger } from '@nestjs/common';
import { HttpService } from '@nestjs/axios';
import type { AxiosStatic } from 'axios' with { 'resolution-mode': 'import' };
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import type { Order } from '../orders/order.js';
import { NotificationClient } from './notification-client.js';
import {
  DEFAULT_DELIVERY_OPTIONS,
  NotificationDeliveryService,
  type DeliveryOptions,
} from './notification-delivery.service.js';

/** The axios that @nestjs/axios (an ES module) uses: its instances are what HttpService takes. */
let axios: AxiosStatic;
beforeAll(async () => {
  ({ default: axios } = await import('axios'));
});

/** A stand-in notification-service on a free port that answers from a script. */
class ScriptedReceiver {
  readonly requests: Array<{ idempotencyKey?: string; body: Record<string, unknown> }> = [];
  answer: (n: number) => number | 'hang' = () => 201;
  private readonly server: Server = createServer((req, res) => void this.handle(req, res));

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    this.requests.push({
      idempotencyKey: req.headers['idempotency-key'] as string | undefined,
      body: JSON.parse(raw) as Record<string, unknown>,
    });
    const status = this.answer(this.requests.length);
    if (status === 'hang') return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ notificationId: 'n-1', status: status === 200 ? 'duplicate' : 'sent' }),
    );
  }
}

function order(): Order {
  return {
    orderId: `o-${Math.random().toString(36).slice(2)}`,
    status: 'confirmed',
    ownerSubject: 'alice-sub',
    email: 'alice@example.com',
    items: [{ sku: 'KB-001', quantity: 2, unitPriceCents: 8999 }],
    totalCents: 17998,
    createdAt: new Date().toISOString(),
    notification: 'pending',
    notificationAttempts: 0,
  };
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('NotificationDeliveryService', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));
  const receiver = new ScriptedReceiver();
  let baseURL: string;
  let delivery: NotificationDeliveryService;
  let registry: Registry;

  const fast: DeliveryOptions = {
    ...DEFAULT_DELIVERY_OPTIONS,
    firstAttemptTimeoutMs: 300,
    retryAttemptTimeoutMs: 300,
    retryBaseDelayMs: 10,
    retryMaxDelayMs: 40,
  };

  function service(options: Partial<DeliveryOptions> = {}) {
    registry = new Registry();
    const client = new NotificationClient(new HttpService(axios.create({ baseURL })));
    return new NotificationDeliveryService(client, { ...fast, ...options }, registry);
  }

  beforeAll(async () => {
    baseURL = await receiver.start();
  });
  afterAll(() => receiver.stop());
  beforeEach(() => {
    receiver.requests.length = 0;
    receiver.answer = () => 201;
    delivery = service();
  });
  afterEach(() => delivery.onApplicationShutdown());

  it('sends during checkout with the order id as idempotency key and the order as body', async () => {
    const o = order();
    expect(await delivery.deliverDuringCheckout(o)).toBe('sent');
    expect(receiver.requests).toEqual([
      {
        idempotencyKey: o.orderId,
        body: {
          orderId: o.orderId,
          email: 'alice@example.com',
          items: [{ sku: 'KB-001', quantity: 2, unitPrice: 89.99 }],
          total: 179.98,
        },
      },
    ]);
  });

  it('a duplicate answer (200) also counts as sent', async () => {
    receiver.answer = () => 200;
    expect(await delivery.deliverDuringCheckout(order())).toBe('sent');
  });

  it.each([503, 502, 429, 408, 401, 403])(
    'answers %s: pending at checkout, then retried with the same key until sent',
    async (status) => {
      receiver.answer = (n) => (n <= 2 ? status : 201);
      const o = order();
      expect(await delivery.deliverDuringCheckout(o)).toBe('pending');
      await eventually(() => o.notification === 'sent', 'the retry to succeed');
      expect(receiver.requests.map((r) => r.idempotencyKey)).toEqual(Array(3).fill(o.orderId));
      expect(o.notificationAttempts).toBe(3);
    },
  );

  it.each([400, 404, 409, 422])('answers %s: failed at once, never retried', async (status) => {
    receiver.answer = () => status;
    const o = order();
    expect(await delivery.deliverDuringCheckout(o)).toBe('failed');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(receiver.requests).toHaveLength(1);
  });

  it('a hanging receiver does not hold the checkout past the first-attempt budget', async () => {
    receiver.answer = (n) => (n === 1 ? 'hang' : 201);
    const o = order();
    expect(await delivery.deliverDuringCheckout(o)).toBe('pending');
    await eventually(() => o.notification === 'sent', 'the retry after the hang');
  });

  it('an unreachable receiver leaves the order pending, not failed', async () => {
    const unreachable = new NotificationDeliveryService(
      new NotificationClient(new HttpService(axios.create({ baseURL: 'http://127.0.0.1:9' }))),
      { ...fast, retryBaseDelayMs: 60_000 },
      new Registry(),
    );
    const o = order();
    expect(await unreachable.deliverDuringCheckout(o)).toBe('pending');
    unreachable.onApplicationShutdown();
  });

  it('gives up as failed once the give-up time has passed', async () => {
    delivery = service({ giveUpAfterMs: 100 });
    receiver.answer = () => 503;
    const o = order();
    expect(await delivery.deliverDuringCheckout(o)).toBe('pending');
    await eventually(() => o.notification === 'failed', 'the give-up');
    const metrics = await registry.getSingleMetricAsString(
      'shop_notification_delivery_attempts_total',
    );
    expect(metrics).toContain('outcome="failed"} 1');
    expect(metrics).toMatch(/outcome="retry_scheduled"} [1-9]/);
  });
});
