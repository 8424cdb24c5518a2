import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module, ValidationPipe, type DynamicModule, type LoggerService } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AuthenticatedPrincipal } from '@app/auth/receiver';
import { MetricsModule } from '@app/common';
import { StoreModule } from '@app/store';
import { SmtpCatcher } from '../../../../test/support/smtp-catcher.js';
import {
  loadNotificationServiceConfig,
  type NotificationServiceConfig,
} from '../config/notification-service.config.js';
import {
  NOTIFICATION_SERVICE_MIGRATIONS,
  NOTIFICATION_SERVICE_SCHEMA,
} from '../store/notification-service.migrations.js';
import { NotificationsModule } from './notifications.module.js';

/**
 * The feature as the app mounts it, with its store (embedded, in a fresh DATA_DIR) and metrics,
 * without the auth guard (tested e2e): the caller the guard would establish is set per request.
 */
@Module({})
class NotificationsTestRoot {}

function featureRoot(config: NotificationServiceConfig): DynamicModule {
  return {
    module: NotificationsTestRoot,
    imports: [
      ConfigModule.forRoot({
        isGlobal: true,
        ignoreEnvFile: true,
        skipProcessEnv: true,
        load: [() => ({ ...config })],
      }),
      MetricsModule.forRoot('notification-service'),
      StoreModule.forRoot({
        settings: config.store,
        app: 'notification-service',
        schema: NOTIFICATION_SERVICE_SCHEMA,
        migrations: NOTIFICATION_SERVICE_MIGRATIONS,
      }),
      NotificationsModule,
    ],
  };
}

/** What the guard puts on a request from shop-api (only `caller` matters to this feature). */
const SHOP_API = { kind: 'service', caller: 'shop-api' } as AuthenticatedPrincipal;

class CapturingLogger implements LoggerService {
  readonly lines: { level: string; message: string }[] = [];
  private record = (level: string) => (message: unknown) =>
    this.lines.push({ level, message: String(message) });
  log = this.record('log');
  error = this.record('error');
  warn = this.record('warn');
  debug = this.record('debug');
  verbose = this.record('verbose');
  fatal = this.record('fatal');

  get text(): string {
    return this.lines.map((line) => line.message).join('\n');
  }
}

interface RunningService {
  app: NestFastifyApplication;
  url: string;
  logs: CapturingLogger;
}

/**
 * The real feature on the Fastify adapter with the global ValidationPipe that createService
 * (@app/common) installs. createService itself is not used: its OpenAPI setup loads
 * @fastify/static, whose ES-module dependency (content-disposition) Jest does not transform.
 */
async function startService(
  env: Record<string, string>,
  setUp: (app: NestFastifyApplication) => void = () => undefined,
): Promise<RunningService> {
  const logs = new CapturingLogger();
  const dataDir = mkdtempSync(join(tmpdir(), 'notification-spec-'));
  const app = await NestFactory.create<NestFastifyApplication>(
    featureRoot(loadNotificationServiceConfig({ DATA_DIR: dataDir, ...env })),
    new FastifyAdapter(),
    { logger: logs, abortOnError: false },
  );
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, _reply, done) => {
      (request as { user?: AuthenticatedPrincipal }).user = SHOP_API;
      done();
    });
  setUp(app);
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl(), logs };
}

/** Success ({ notificationId, status }) or error ({ statusCode, error, code?, message }). */
interface ResponseBody {
  notificationId?: string;
  status?: string;
  statusCode?: number;
  error?: string;
  code?: string;
  message?: string | string[];
}

async function post(
  service: RunningService,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: ResponseBody }> {
  const response = await fetch(`${service.url}/api/notifications/order`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as ResponseBody };
}

function order(orderId: string) {
  return {
    orderId,
    email: 'alice@example.com',
    items: [
      { sku: 'KB-001', quantity: 2, name: 'Mechanical keyboard', unitPrice: 49.9 },
      { sku: 'USB-C', quantity: 1 },
    ],
    total: 99.8,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('POST /api/notifications/order over SMTP', () => {
  let catcher: SmtpCatcher;
  let service: RunningService;
  let handled = 0;
  let onHandled: () => void = () => undefined;

  beforeAll(async () => {
    catcher = await SmtpCatcher.start();
    service = await startService({ SMTP_URL: catcher.url }, (app) => {
      // Counts requests that reached their handler (body parsed), for the concurrency test.
      app
        .getHttpAdapter()
        .getInstance()
        .addHook('preHandler', (_request, _reply, done) => {
          handled += 1;
          onHandled();
          done();
        });
    });
  });

  afterEach(() => {
    catcher.acceptConnections();
    catcher.release();
    catcher.clear();
  });

  afterAll(async () => {
    await service.app.close();
    await catcher.close();
  });

  it('sends one email from MAIL_FROM to the order email naming the order, items and total', async () => {
    const response = await post(service, order('ord-send'));

    expect(response).toEqual({
      status: 201,
      body: { notificationId: expect.stringMatching(UUID), status: 'sent' },
    });
    expect(catcher.messages).toHaveLength(1);
    const [email] = catcher.messages;
    expect(email.envelope).toEqual({
      from: 'no-reply@techstore.local',
      to: ['alice@example.com'],
    });
    expect(email.from).toBe('TechStore <no-reply@techstore.local>');
    expect(email.to).toBe('alice@example.com');
    expect(email.subject).toBe('Your order ord-send is confirmed');
    expect(email.text).toContain('  2 x Mechanical keyboard (KB-001) at 49.90 each\n  1 x USB-C\n');
    expect(email.text).toContain('Total: 99.80');
    expect(email.headers['x-notification-id']).toBe(response.body.notificationId);
    expect(email.headers['message-id']).toBe(`<${response.body.notificationId}@techstore.local>`);
  });

  it('answers a repeated key with 200 "duplicate" and the same id, without a second email', async () => {
    const counted = async (outcome: string) => {
      const text = await (await fetch(`${service.url}/metrics`)).text();
      const line = new RegExp(
        `^notification_requests_total\\{outcome="${outcome}"[^}]*\\} (\\d+)$`,
        'm',
      );
      return Number(line.exec(text)?.[1] ?? 0);
    };
    const duplicatesBefore = await counted('duplicate');
    const first = await post(service, order('ord-dup'));
    const again = await post(service, order('ord-dup'));
    const explicit = await post(service, order('ord-dup'), { 'Idempotency-Key': 'ord-dup' });
    const quoted = await post(service, order('ord-dup'), { 'Idempotency-Key': '"ord-dup"' });

    expect(first.status).toBe(201);
    for (const repeat of [again, explicit, quoted]) {
      expect(repeat).toEqual({
        status: 200,
        body: { notificationId: first.body.notificationId, status: 'duplicate' },
      });
    }
    expect(catcher.messages).toHaveLength(1);
    // Counted once each, however often /metrics is read.
    expect(await counted('duplicate')).toBe(duplicatesBefore + 3);
    expect(await counted('duplicate')).toBe(duplicatesBefore + 3);
  });

  it('deduplicates by Idempotency-Key, not by order: a new key sends again', async () => {
    const first = await post(service, order('ord-keys'), { 'Idempotency-Key': 'attempt-1' });
    const second = await post(service, order('ord-keys'), { 'Idempotency-Key': 'attempt-2' });

    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.notificationId).not.toBe(first.body.notificationId);
    expect(catcher.messages).toHaveLength(2);
  });

  it('sends exactly one email for concurrent requests with the same key', async () => {
    const concurrent = 5;
    const allHandled = new Promise<void>((resolve) => {
      const target = handled + concurrent;
      onHandled = () => handled >= target && resolve();
    });
    catcher.hold();

    const responses = Array.from({ length: concurrent }, () => post(service, order('ord-race')));
    // Every request is in its handler while the first email still waits for the SMTP reply.
    await Promise.all([allHandled, catcher.waitForHeld(1)]);
    catcher.release();
    const results = await Promise.all(responses);

    expect(catcher.messages).toHaveLength(1);
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.notificationId)).size).toBe(1);
    expect(results.filter((r) => r.body.status === 'duplicate')).toHaveLength(concurrent - 1);
  });

  it('refuses a key reused with a different body (422) and sends nothing for it', async () => {
    await post(service, order('ord-reuse'));
    const response = await post(service, { ...order('ord-reuse'), total: 1 });

    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(catcher.messages).toHaveLength(1);
  });

  it('answers 503 MAIL_DELIVERY_FAILED when SMTP refuses, and sends on a later retry', async () => {
    catcher.refuseConnections(421);
    const failed = await post(service, order('ord-smtp-down'));

    expect(failed).toEqual({
      status: 503,
      body: {
        statusCode: 503,
        error: 'Service Unavailable',
        code: 'MAIL_DELIVERY_FAILED',
        message: expect.stringContaining('Retry later with the same Idempotency-Key'),
      },
    });
    expect(catcher.messages).toHaveLength(0);

    catcher.acceptConnections();
    const retried = await post(service, order('ord-smtp-down'));
    expect(retried).toEqual({
      status: 201,
      body: { notificationId: expect.stringMatching(UUID), status: 'sent' },
    });
    expect(catcher.messages.map((m) => m.subject)).toEqual([
      'Your order ord-smtp-down is confirmed',
    ]);
  });

  const valid = order('ord-invalid');
  const item = valid.items[0];
  it.each([
    ['an empty body', {}, /^orderId /],
    ['no items', { ...valid, items: [] }, /^items must contain at least 1 elements$/],
    [
      '51 items',
      { ...valid, items: Array.from({ length: 51 }, () => item) },
      /^items must contain no more than 50 elements$/,
    ],
    ['items not an array', { ...valid, items: 'KB-001' }, /^items must be an array$/],
    ['quantity 0', { ...valid, items: [{ ...item, quantity: 0 }] }, /^items\.0\.quantity /],
    ['quantity 101', { ...valid, items: [{ ...item, quantity: 101 }] }, /^items\.0\.quantity /],
    ['quantity 1.5', { ...valid, items: [{ ...item, quantity: 1.5 }] }, /^items\.0\.quantity /],
    ['quantity as text', { ...valid, items: [{ ...item, quantity: '2' }] }, /^items\.0\.quantity /],
    ['an empty sku', { ...valid, items: [item, { ...item, sku: '' }] }, /^items\.1\.sku /],
    [
      'a control character in sku',
      { ...valid, items: [{ ...item, sku: 'a\nb' }] },
      /^items\.0\.sku /,
    ],
    [
      'a negative unit price',
      { ...valid, items: [{ ...item, unitPrice: -1 }] },
      /^items\.0\.unitPrice /,
    ],
    [
      'an unknown item field',
      { ...valid, items: [{ ...item, colour: 'red' }] },
      /colour should not exist/,
    ],
    [
      'an invalid email',
      { ...valid, email: 'alice' },
      /^email must be an email address of at most 254 characters$/,
    ],
    ['an orderId with a space', { ...valid, orderId: 'ord 1' }, /^orderId must contain only /],
    ['an orderId of 101 characters', { ...valid, orderId: 'o'.repeat(101) }, /^orderId must be /],
    ['a negative total', { ...valid, total: -0.01 }, /^total must not be less than 0$/],
    ['a total as text', { ...valid, total: '99.80' }, /^total must be a number/],
    ['an unknown field', { ...valid, coupon: 'FREE' }, /^property coupon should not exist$/],
  ])('rejects %s with a 400 naming the field', async (_case, body, problem) => {
    const response = await post(service, body);

    expect(response.status).toBe(400);
    expect(response.body.message).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
    expect(catcher.messages).toHaveLength(0);
  });

  it.each([
    ['empty', ''],
    ['with a space', 'two words'],
    ['of 129 characters', 'k'.repeat(129)],
    ['with non-ASCII characters', 'schlüssel'],
    ['of one quote', '"'],
    ['quoted and empty', '""'],
    ['quoted with a quote inside', '"a"b"'],
  ])('rejects an Idempotency-Key %s with a 400 naming the header', async (_case, key) => {
    const response = await post(service, order('ord-bad-key'), { 'Idempotency-Key': key });

    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^Idempotency-Key must be 1 to 128 characters of /);
    expect(catcher.messages).toHaveLength(0);
  });
});

describe('POST /api/notifications/order without SMTP_URL', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startService({});
  });

  afterAll(() => service.app.close());

  it('says at start that emails go to the log', () => {
    expect(service.logs.lines).toContainEqual({
      level: 'warn',
      message: 'SMTP_URL is unset: emails are written to this log instead of being sent',
    });
  });

  it('writes the whole email, readable, to the log and answers 201 "sent"', async () => {
    const response = await post(service, order('ord-log'));

    expect(response).toEqual({
      status: 201,
      body: { notificationId: expect.stringMatching(UUID), status: 'sent' },
    });
    const entry = service.logs.lines.find((line) => line.message.startsWith('Email (not sent'));
    expect(entry?.message).toBe(
      [
        'Email (not sent: SMTP_URL is unset)',
        'From: TechStore <no-reply@techstore.local>',
        'To: alice@example.com',
        'Subject: Your order ord-log is confirmed',
        `X-Notification-Id: ${response.body.notificationId}`,
        '',
        'Hello,',
        '',
        'thank you for your order ord-log. It contains:',
        '',
        '  2 x Mechanical keyboard (KB-001) at 49.90 each',
        '  1 x USB-C',
        '',
        'Total: 99.80',
        '',
        'TechStore',
      ].join('\n'),
    );
  });
});

describe('POST /api/notifications/order with an unreachable mail server', () => {
  const password = 'smtp-password-must-not-leak';
  let service: RunningService;

  beforeAll(async () => {
    // A port that was free a moment ago and has nothing listening now: connection refused.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    service = await startService({ SMTP_URL: `smtp://mailer:${password}@127.0.0.1:${port}` });
  });

  afterAll(() => service.app.close());

  it('answers 503 and logs why, without the SMTP credentials anywhere', async () => {
    const response = await post(service, order('ord-unreachable'));

    expect(response.status).toBe(503);
    expect(response.body.code).toBe('MAIL_DELIVERY_FAILED');
    const { logs } = service;
    expect(logs.lines).toContainEqual({
      level: 'warn',
      message: expect.stringMatching(
        /^Email for order ord-unreachable not sent \(ESOCKET .*ECONNREFUSED.*\); the caller may retry$/,
      ),
    });
    expect(logs.text).toMatch(/Emails are sent through smtp:\/\/127\.0\.0\.1:\d+$/m);
    expect(logs.text).not.toContain(password);
    expect(JSON.stringify(response.body)).not.toContain(password);
  });
});
