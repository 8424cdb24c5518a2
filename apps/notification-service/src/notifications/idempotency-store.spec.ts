import { ConsoleLogger, Logger } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabase, migrate, PostgresDatabase, type Database } from '@app/store';
import { describeOnPostgres, freshDatabase } from '../../../../test/support/postgres.js';
import {
  NOTIFICATION_SERVICE_MIGRATIONS,
  NOTIFICATION_SERVICE_SCHEMA,
} from '../store/notification-service.migrations.js';
import { DEFAULT_IDEMPOTENCY_OPTIONS, type IdempotencyOptions } from './idempotency-options.js';
import { IdempotencyStore } from './idempotency-store.js';
import { IdempotencyKeyReusedError } from './notifications.errors.js';

beforeAll(() => Logger.overrideLogger(false));
afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const FAST: IdempotencyOptions = {
  ...DEFAULT_IDEMPOTENCY_OPTIONS,
  leaseMs: 1_000,
  renewEveryMs: 200,
  waitMs: 3_000,
  pollMs: 10,
};

const scope = (key: string, fingerprint = 'f', clientId = 'shop-api') => ({
  clientId,
  key,
  fingerprint,
});

function idempotencyBehaviour(open: () => Promise<Database>) {
  let database: Database;
  let store: IdempotencyStore;
  let sends: string[];
  const send = (id: string) => {
    sends.push(id);
    return Promise.resolve();
  };

  beforeAll(async () => {
    database = await open();
    await migrate(database, NOTIFICATION_SERVICE_SCHEMA, NOTIFICATION_SERVICE_MIGRATIONS);
  });
  afterAll(() => database.close());
  beforeEach(() => {
    sends = [];
    store = new IdempotencyStore(database, FAST);
  });

  it('sends once per key and answers repeats with the first notification id', async () => {
    const first = await store.run(scope('k1'), send);
    const again = await store.run(scope('k1'), send);
    const other = await store.run(scope('k2'), send);
    expect(first).toEqual({ notificationId: sends[0], duplicate: false, takeover: false });
    expect(again).toEqual({ notificationId: sends[0], duplicate: true, takeover: false });
    expect(other.duplicate).toBe(false);
    expect(sends).toHaveLength(2);
  });

  it('scopes keys by calling client: the same key from two clients sends twice', async () => {
    await store.run(scope('shared', 'f', 'shop-api'), send);
    const fromOther = await store.run(scope('shared', 'g', 'billing-job'), send);
    expect(fromOther.duplicate).toBe(false);
    expect(sends).toHaveLength(2);
  });

  it('lets concurrent requests wait for the one sending: one email, the same id for all', async () => {
    const mail = deferred();
    const first = store.run(scope('race'), async (id) => {
      sends.push(id);
      await mail.promise;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const others = Array.from({ length: 4 }, () => store.run(scope('race'), send));
    await new Promise((resolve) => setTimeout(resolve, 30));
    mail.resolve();
    const results = await Promise.all([first, ...others]);
    expect(sends).toHaveLength(1);
    expect(results.map((r) => r.duplicate)).toEqual([false, true, true, true, true]);
    expect(new Set(results.map((r) => r.notificationId))).toEqual(new Set(sends));
  });

  it('forgets a failed send: the next request (or a waiting one) sends', async () => {
    const mail = deferred();
    const failing = store.run(scope('fails'), () => mail.promise);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const waiting = store.run(scope('fails'), send);
    mail.reject(new Error('smtp down'));
    await expect(failing).rejects.toThrow('smtp down');
    expect(await waiting).toMatchObject({ duplicate: false });
    expect(sends).toHaveLength(1);
  });

  it('refuses a key reused with another body, sent or still sending', async () => {
    const mail = deferred();
    const busy = store.run(scope('busy', 'f1'), () => mail.promise);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await expect(store.run(scope('busy', 'f2'), send)).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
    mail.resolve();
    await busy;
    await expect(store.run(scope('busy', 'f2'), send)).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(sends).toEqual([]);
  });

  it('renews the lease of a slow send: nobody takes the key while its sender lives', async () => {
    const mail = deferred();
    const slow = store.run(scope('slow'), async (id) => {
      sends.push(id);
      await mail.promise;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const waiting = store.run(scope('slow'), send);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // 2.5 leases
    mail.resolve();
    await slow;
    expect(await waiting).toMatchObject({ duplicate: true });
    expect(sends).toHaveLength(1);
  });

  it("takes over a dead sender's key once its lease ends, keeping its notification id", async () => {
    // A sender that claimed the key and died: its lease is never renewed.
    const [dead] = await database.query<{ notification_id: string }>(
      `insert into notification_service.idempotency_records
         (client_id, idempotency_key, fingerprint, notification_id, state, lease_token,
          lease_until, expires_at)
       values ('shop-api', 'orphan', 'f', gen_random_uuid(), 'sending', gen_random_uuid(),
               now() + interval '300 milliseconds', now() + interval '1 day')
       returning notification_id`,
    );
    const started = Date.now();
    const result = await store.run(scope('orphan'), send);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(result).toEqual({
      notificationId: dead.notification_id,
      duplicate: false,
      takeover: true,
    });
    expect(sends).toEqual([dead.notification_id]);
  });

  it('answers NOTIFICATION_IN_PROGRESS when the sender takes longer than the wait', async () => {
    const patient = new IdempotencyStore(database, { ...FAST, waitMs: 100 });
    const mail = deferred();
    const slow = store.run(scope('long'), () => mail.promise);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await expect(patient.run(scope('long'), send)).rejects.toMatchObject({
      code: 'NOTIFICATION_IN_PROGRESS',
    });
    mail.resolve();
    await slow;
  });

  it('answers repeats of a sent key from memory: no query, the same answers', async () => {
    const first = await store.run(scope('remembered', 'f1'), send);
    const query = jest.spyOn(database, 'query');
    try {
      expect(await store.run(scope('remembered', 'f1'), send)).toEqual({
        notificationId: first.notificationId,
        duplicate: true,
        takeover: false,
      });
      await expect(store.run(scope('remembered', 'f2'), send)).rejects.toBeInstanceOf(
        IdempotencyKeyReusedError,
      );
      expect(query).not.toHaveBeenCalled();
    } finally {
      query.mockRestore();
    }
    expect(sends).toHaveLength(1);
  });

  it('remembers a sent record read from the store no longer than the store keeps it', async () => {
    // Sent by another replica, expiring in 300 ms.
    const [sent] = await database.query<{ notification_id: string }>(
      `insert into notification_service.idempotency_records
         (client_id, idempotency_key, fingerprint, notification_id, state, expires_at)
       values ('shop-api', 'short-lived', 'f', gen_random_uuid(), 'sent',
               now() + interval '300 milliseconds')
       returning notification_id`,
    );
    expect(await store.run(scope('short-lived'), send)).toMatchObject({
      notificationId: sent.notification_id,
      duplicate: true,
    });
    const query = jest.spyOn(database, 'query');
    try {
      expect(await store.run(scope('short-lived'), send)).toMatchObject({ duplicate: true });
      expect(query).not.toHaveBeenCalled();
    } finally {
      query.mockRestore();
    }
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await store.run(scope('short-lived'), send)).toMatchObject({ duplicate: false });
    expect(sends).toHaveLength(1);
  });

  it('asks the store every time when maxCachedSentRecords is 0', async () => {
    const forgetful = new IdempotencyStore(database, { ...FAST, maxCachedSentRecords: 0 });
    await forgetful.run(scope('forgetful'), send);
    const query = jest.spyOn(database, 'query');
    try {
      expect(await forgetful.run(scope('forgetful'), send)).toMatchObject({ duplicate: true });
      expect(query).toHaveBeenCalled();
    } finally {
      query.mockRestore();
    }
  });

  it('sends again after the key expired, and cleans expired records up', async () => {
    const brief = new IdempotencyStore(database, { ...FAST, ttlMs: 50 });
    await brief.run(scope('brief'), send);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await brief.run(scope('brief'), send)).toMatchObject({ duplicate: false });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await brief.cleanUp()).toBeGreaterThanOrEqual(1);
    const left = await database.query(
      `select 1 from notification_service.idempotency_records where idempotency_key = 'brief'`,
    );
    expect(left).toEqual([]);
    expect(sends).toHaveLength(2);
  });
}

describe('IdempotencyStore on the embedded store', () => {
  idempotencyBehaviour(() =>
    EmbeddedDatabase.open(mkdtempSync(join(tmpdir(), 'idem-spec-')), 'notification-service'),
  );
});

describeOnPostgres('IdempotencyStore on PostgreSQL', () => {
  idempotencyBehaviour(async () =>
    PostgresDatabase.open(await freshDatabase('idempotency'), 'notification-service'),
  );

  it('replicas on separate connections: 20 concurrent duplicates of 10 keys send 10 emails', async () => {
    const url = await freshDatabase('idempotency_replicas');
    const databases = await Promise.all(
      [1, 2, 3].map(() => PostgresDatabase.open(url, 'notification-service')),
    );
    await migrate(databases[0], NOTIFICATION_SERVICE_SCHEMA, NOTIFICATION_SERVICE_MIGRATIONS);
    const replicas = databases.map((db) => new IdempotencyStore(db, FAST));
    const sent: string[] = [];
    try {
      const keys = Array.from({ length: 10 }, (_, i) => `order-${i}`);
      const results = await Promise.all(
        keys.flatMap((key) =>
          [0, 1].map((n) =>
            replicas[(keys.indexOf(key) + n) % replicas.length].run(scope(key), async (id) => {
              await new Promise((resolve) => setTimeout(resolve, 20)); // SMTP takes a moment
              sent.push(`${key}:${id}`);
            }),
          ),
        ),
      );
      expect(sent).toHaveLength(10);
      expect(results.filter((r) => r.duplicate)).toHaveLength(10);
    } finally {
      await Promise.all(databases.map((db) => db.close()));
    }
  });
});
