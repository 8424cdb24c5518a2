import { ConsoleLogger, Logger } from '@nestjs/common';
import { HttpService } from '@nestjs/axios';
import type { AxiosStatic } from 'axios' with { 'resolution-mode': 'import' };
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { Registry } from 'prom-client';
import { requestContext } from '@app/common';
import { EmbeddedDatabase, migrate, PostgresDatabase, type Database } from '@app/store';
import { describeOnPostgres, freshDatabase } from '../../../../test/support/postgres.js';
import { CheckoutService } from '../checkout/checkout.service.js';
import { OrderRepository } from '../orders/order.repository.js';
import { SHOP_API_MIGRATIONS, SHOP_API_SCHEMA } from '../store/shop-api.migrations.js';
import { DEFAULT_DELIVERY_OPTIONS, type DeliveryOptions } from './delivery-options.js';
import { NotificationClient } from './notification-client.js';
import { NotificationDeliveryService } from './notification-delivery.service.js';
import { OutboxRelay } from './outbox-relay.service.js';
import { OutboxMetrics } from './outbox.metrics.js';
import { OutboxRepository } from './outbox.repository.js';

/** The axios that @nestjs/axios (an ES module) uses: its instances are what HttpService takes. */
let axios: AxiosStatic;
/** A real in-memory OpenTelemetry SDK, as tracing on would install (without instrumentations). */
const spans = new InMemorySpanExporter();
beforeAll(async () => {
  ({ default: axios } = await import('axios'));
  Logger.overrideLogger(false);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(
    new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }),
  );
});
afterAll(() => {
  Logger.overrideLogger(new ConsoleLogger());
  trace.disable();
  propagation.disable();
  context.disable();
});

interface ReceivedRequest {
  idempotencyKey?: string;
  requestId?: string;
  body: Record<string, unknown>;
}

/** A stand-in notification-service on a free port that answers from a script. */
class ScriptedReceiver {
  readonly requests: ReceivedRequest[] = [];
  answer: (n: number, key: string) => number | 'hang' = () => 201;
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

  keys(): string[] {
    return this.requests.map((request) => request.idempotencyKey ?? '');
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const key = req.headers['idempotency-key'] as string;
    this.requests.push({
      idempotencyKey: key,
      requestId: req.headers['x-request-id'] as string | undefined,
      body: JSON.parse(raw) as Record<string, unknown>,
    });
    const status = this.answer(this.requests.filter((r) => r.idempotencyKey === key).length, key);
    if (status === 'hang') return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ notificationId: 'n-1', status: status === 200 ? 'duplicate' : 'sent' }),
    );
  }
}

const FAST: DeliveryOptions = {
  ...DEFAULT_DELIVERY_OPTIONS,
  firstAttemptTimeoutMs: 300,
  retryAttemptTimeoutMs: 300,
  claimMarginMs: 200,
  retryBaseDelayMs: 10,
  retryMaxDelayMs: 40,
  pollIntervalMs: 20,
  shutdownGraceMs: 100,
};

/** One shop-api replica's outbox half, wired as Nest wires it, on a given database. */
class Replica {
  readonly registry = new Registry();
  readonly outbox: OutboxRepository;
  readonly relay: OutboxRelay;
  readonly checkout: CheckoutService;

  constructor(
    readonly database: Database,
    receiverUrl: string,
    options: Partial<DeliveryOptions> = {},
  ) {
    const settings = { ...FAST, ...options };
    this.outbox = new OutboxRepository(database);
    const client = new NotificationClient(new HttpService(axios.create({ baseURL: receiverUrl })));
    const delivery = new NotificationDeliveryService(
      client,
      this.outbox,
      new OutboxMetrics(this.outbox, this.registry),
      settings,
    );
    this.relay = new OutboxRelay(this.outbox, delivery, settings);
    this.checkout = new CheckoutService(
      database,
      new OrderRepository(database),
      this.outbox,
      this.relay,
    );
  }

  start(): this {
    this.relay.onApplicationBootstrap();
    return this;
  }

  stop(): Promise<void> {
    return this.relay.beforeApplicationShutdown();
  }

  place() {
    return this.checkout.checkout(
      { subject: 'alice-sub', email: 'alice@example.com' },
      { items: [{ sku: 'KB-001', quantity: 2 }] },
    );
  }

  async metric(name: string): Promise<string> {
    return this.registry.getSingleMetricAsString(name);
  }
}

async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 8000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function outboxBehaviour(open: () => Promise<Database>) {
  const receiver = new ScriptedReceiver();
  let receiverUrl: string;
  let database: Database;
  let replica: Replica;
  const notification = async (orderId: string) =>
    (await new OrderRepository(database).find(orderId))?.notification;
  const outboxRows = async () =>
    database.query<{ order_id: string; claimed_by: string | null; attempts: number }>(
      'select order_id, claimed_by, attempts from shop_api.outbox',
    );

  beforeAll(async () => {
    receiverUrl = await receiver.start();
    database = await open();
    await migrate(database, SHOP_API_SCHEMA, SHOP_API_MIGRATIONS);
  });
  afterAll(async () => {
    await receiver.stop();
    await database.close();
  });
  beforeEach(async () => {
    receiver.requests.length = 0;
    receiver.answer = () => 201;
    await database.query('delete from shop_api.outbox');
    replica = new Replica(database, receiverUrl).start();
  });
  afterEach(() => replica.stop());

  it('writes order and notification together and delivers at once, with the request id', async () => {
    const order = await requestContext.run({ requestId: 'req-1' }, () => replica.place());
    expect(order.notification).toBe('sent');
    expect(receiver.requests).toEqual([
      {
        idempotencyKey: order.orderId,
        requestId: 'req-1',
        body: {
          orderId: order.orderId,
          email: 'alice@example.com',
          items: [{ sku: 'KB-001', quantity: 2, unitPrice: 89.99 }],
          total: 179.98,
        },
      },
    ]);
    expect(await notification(order.orderId)).toBe('sent');
    expect(await outboxRows()).toEqual([]);
  });

  it("a later attempt by the relay continues the checkout's trace and request id", async () => {
    receiver.answer = (n) => (n === 1 ? 503 : 201);
    spans.reset();
    const checkoutSpan = trace.getTracer('spec').startSpan('POST /api/checkout');
    const order = await context.with(trace.setSpan(context.active(), checkoutSpan), () =>
      requestContext.run({ requestId: 'req-2' }, () => replica.place()),
    );
    checkoutSpan.end();
    expect(order.notification).toBe('pending');
    // The relay's attempt runs outside any request; it restores both from the outbox row.
    await eventually(async () => (await notification(order.orderId)) === 'sent', 'delivery');
    expect(receiver.requests.map((r) => r.requestId)).toEqual(['req-2', 'req-2']);
    const deliveries = spans.getFinishedSpans().filter((s) => s.name === 'notification.deliver');
    expect(deliveries.map((s) => s.attributes['notification.attempt'])).toEqual([1, 2]);
    for (const delivery of deliveries) {
      expect(delivery.spanContext().traceId).toBe(checkoutSpan.spanContext().traceId);
      expect(delivery.parentSpanContext?.spanId).toBe(checkoutSpan.spanContext().spanId);
    }
    expect(deliveries.map((s) => s.attributes['notification.state'])).toEqual(['pending', 'sent']);
  });

  it.each([503, 429, 401])(
    'answers %s: pending at checkout, then delivered by the relay with the same key',
    async (status) => {
      receiver.answer = (n) => (n <= 2 ? status : 201);
      const order = await replica.place();
      expect(order.notification).toBe('pending');
      await eventually(async () => (await notification(order.orderId)) === 'sent', 'delivery');
      expect(receiver.keys()).toEqual(Array(3).fill(order.orderId));
      expect(await outboxRows()).toEqual([]);
      const histogram = await replica.metric('shop_outbox_attempts_per_notification');
      expect(histogram).toContain('shop_outbox_attempts_per_notification_sum{outcome="sent"} 3');
    },
  );

  it.each([400, 422])('answers %s: failed at once, never retried', async (status) => {
    receiver.answer = () => status;
    const order = await replica.place();
    expect(order.notification).toBe('failed');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.requests).toHaveLength(1);
    expect(await notification(order.orderId)).toBe('failed');
    expect(await outboxRows()).toEqual([]);
  });

  it('gives up as failed once the give-up time has passed', async () => {
    await replica.stop();
    replica = new Replica(database, receiverUrl, { giveUpAfterMs: 150 }).start();
    receiver.answer = () => 503;
    const order = await replica.place();
    await eventually(async () => (await notification(order.orderId)) === 'failed', 'give-up');
    const attempts = await replica.metric('shop_notification_delivery_attempts_total');
    expect(attempts).toContain('outcome="failed"} 1');
    expect(attempts).toMatch(/outcome="retry_scheduled"} [1-9]/);
  });

  it('shows pending notifications and the age of the oldest in its metrics', async () => {
    receiver.answer = () => 503;
    await replica.place();
    await replica.place();
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await replica.metric('shop_outbox_pending')).toMatch(/^shop_outbox_pending 2$/m);
    const age = /^shop_outbox_oldest_pending_age_seconds ([\d.]+)$/m.exec(
      await replica.metric('shop_outbox_oldest_pending_age_seconds'),
    );
    expect(Number(age?.[1])).toBeGreaterThanOrEqual(0.1);
    receiver.answer = () => 201;
    await eventually(async () => (await outboxRows()).length === 0, 'the outbox to drain');
    expect(await replica.metric('shop_outbox_pending')).toMatch(/^shop_outbox_pending 0$/m);
  });

  it("a dead replica's claim ends: the row waits for it, then another replica delivers", async () => {
    receiver.answer = () => 'hang';
    const dead = new Replica(database, receiverUrl, { firstAttemptTimeoutMs: 5_000 });
    const placed = dead.place(); // its attempt hangs: the process "died" mid-delivery
    await eventually(() => receiver.requests.length === 1, 'the first attempt');
    const [claimed] = await outboxRows();
    expect(claimed.claimed_by).toBe(dead.relay.replicaId);
    receiver.answer = () => 200; // it did arrive: notification-service answers duplicate
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(receiver.requests).toHaveLength(1); // still claimed: nobody else tried
    await eventually(() => receiver.requests.length === 2, 'the claim to end (5.2 s)');
    await eventually(async () => (await outboxRows()).length === 0, 'delivery');
    expect(await notification(claimed.order_id)).toBe('sent');
    await dead.stop();
    await placed;
  }, 15_000);

  it('shutdown lets attempts finish within the grace, then aborts and releases the rest', async () => {
    // The stopping replica alone: another one polling would take the released row before it is read.
    await replica.stop();
    receiver.answer = () => 'hang';
    const stopping = new Replica(database, receiverUrl, {
      firstAttemptTimeoutMs: 10_000,
      claimMarginMs: 60_000,
    });
    const placed = stopping.place();
    await eventually(() => receiver.requests.length === 1, 'the attempt');
    const started = Date.now();
    await stopping.stop();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await placed).toMatchObject({ notification: 'pending' });
    const [row] = await database.query<{ claimed_by: null; due: boolean; last_error: string }>(
      'select claimed_by, due_at <= now() as due, last_error from shop_api.outbox',
    );
    // Due for the others now, not after a 70 s claim, and not counted as a failure.
    expect(row).toEqual({ claimed_by: null, due: true, last_error: 'released at shutdown' });
    expect(await stopping.metric('shop_notification_delivery_attempts_total')).toContain(
      'outcome="released"} 1',
    );
    receiver.answer = () => 201;
    replica = new Replica(database, receiverUrl).start();
    await eventually(
      async () => (await outboxRows()).length === 0,
      'another replica to deliver it',
    );
  });
}

describe('the outbox on the embedded store', () => {
  outboxBehaviour(() =>
    EmbeddedDatabase.open(mkdtempSync(join(tmpdir(), 'outbox-spec-')), 'shop-api'),
  );
});

describeOnPostgres('the outbox on PostgreSQL', () => {
  outboxBehaviour(async () => PostgresDatabase.open(await freshDatabase('outbox'), 'shop-api'));

  it('two replicas drain 200 rows side by side, each row delivered once', async () => {
    const receiver = new ScriptedReceiver();
    const url = await receiver.start();
    const databaseUrl = await freshDatabase('outbox_replicas');
    const [a, b] = await Promise.all([
      PostgresDatabase.open(databaseUrl, 'shop-api'),
      PostgresDatabase.open(databaseUrl, 'shop-api'),
    ]);
    await migrate(a, SHOP_API_SCHEMA, SHOP_API_MIGRATIONS);
    const writer = new Replica(a, url);
    receiver.answer = () => 503; // every checkout's own attempt fails: 200 rows wait
    const orders = await Promise.all(Array.from({ length: 200 }, () => writer.place()));
    receiver.requests.length = 0;
    receiver.answer = () => 201;
    // Claims long enough that none ends while its attempt runs, even on a slow machine: a
    // second request for a row would then come from an expired claim, not from sharing.
    const replicas = [a, b].map((db) => new Replica(db, url, { claimMarginMs: 10_000 }).start());
    try {
      await eventually(
        async () => (await a.query('select 1 from shop_api.outbox')).length === 0,
        'the outbox to drain',
      );
      const keys = receiver.keys();
      expect(new Set(keys).size).toBe(200);
      expect(keys).toHaveLength(200); // none delivered twice
      expect(new Set(keys)).toEqual(new Set(orders.map((order) => order.orderId)));
      const byReplica = await Promise.all(
        replicas.map(async (r) =>
          Number(
            /outcome="sent"} (\d+)/.exec(
              await r.metric('shop_notification_delivery_attempts_total'),
            )?.[1] ?? 0,
          ),
        ),
      );
      expect(byReplica[0] + byReplica[1]).toBe(200);
      expect(Math.min(...byReplica)).toBeGreaterThan(0);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
      await receiver.stop();
      await Promise.all([a.close(), b.close()]);
    }
  });
});
