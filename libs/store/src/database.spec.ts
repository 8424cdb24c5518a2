import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeOnPostgres, freshDatabase } from '../../../test/support/postgres.js';
import type { Database } from './database.js';
import { EmbeddedDatabase } from './embedded-database.js';
import { migrate, type Migration } from './migrations.js';
import { PostgresDatabase } from './postgres-database.js';

const migrationsIn = (schema: string): Migration[] => [
  {
    version: 1,
    name: 'things',
    statements: [
      `create table ${schema}.things (id uuid primary key, data jsonb not null,
                                      at timestamptz not null default now(), n integer not null)`,
    ],
  },
  {
    version: 2,
    name: 'a column',
    statements: [`alter table ${schema}.things add column note text`],
  },
];
const MIGRATIONS = migrationsIn('spec');

/** The same behaviour, written once, on both kinds of store (one SQL dialect: ADR 0019). */
function behavesAsTheStore(open: () => Promise<Database>) {
  let database: Database;
  beforeAll(async () => {
    database = await open();
    await migrate(database, 'spec', MIGRATIONS);
  });
  afterAll(() => database.close());

  it('maps jsonb, timestamptz, integer and uuid to the same JavaScript values', async () => {
    const id = '7d3c1f0e-0b6a-4f5e-9a53-3c1b2f0e9d11';
    await database.query('insert into spec.things (id, data, n) values ($1, $2::jsonb, $3)', [
      id,
      JSON.stringify([{ sku: 'KB-001', quantity: 2 }]),
      7,
    ]);
    const [row] = await database.query<{ id: string; data: unknown; at: Date; n: number }>(
      'select id, data, at, n, count(*) over ()::integer as total from spec.things where id = $1',
      [id],
    );
    expect(row).toEqual({
      id,
      data: [{ sku: 'KB-001', quantity: 2 }],
      at: expect.any(Date),
      n: 7,
      total: 1,
    });
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const insert = (id: string) =>
      database.transaction(async (tx) => {
        await tx.query(`insert into spec.things (id, data, n) values ($1, '{}', 1)`, [id]);
        if (id.endsWith('2')) throw new Error('abort');
      });
    await insert('00000000-0000-4000-8000-000000000001');
    await expect(insert('00000000-0000-4000-8000-000000000002')).rejects.toThrow('abort');
    const rows = await database.query<{ id: string }>(
      `select id from spec.things where id::text like '00000000-%' order by id`,
    );
    expect(rows.map((r) => r.id)).toEqual(['00000000-0000-4000-8000-000000000001']);
  });

  it('applies each migration once and records it', async () => {
    expect(await migrate(database, 'spec', MIGRATIONS)).toEqual([]);
    const applied = await database.query<{ version: number; name: string }>(
      'select version, name from spec.schema_migrations order by version',
    );
    expect(applied).toEqual([
      { version: 1, name: 'things' },
      { version: 2, name: 'a column' },
    ]);
  });
}

describe('EmbeddedDatabase (PGlite under DATA_DIR)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'store-spec-'));
  behavesAsTheStore(() => EmbeddedDatabase.open(dataDir, 'spec-app'));

  it('keeps a second process out of an open store, names DATA_DIR and the owner', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-lock-'));
    const first = await EmbeddedDatabase.open(dir, 'shop-api');
    try {
      // This process's own lock counts as stale (a restarted container is pid 1 again), so
      // the live owner is simulated by the parent process, which is certainly alive.
      writeFileSync(
        join(dir, 'shop-api', 'owner.lock'),
        JSON.stringify({ pid: process.ppid, hostname: hostname(), app: 'shop-api', since: 'x' }),
      );
      await expect(EmbeddedDatabase.open(dir, 'shop-api')).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
        message: expect.stringMatching(/^DATA_DIR: .* is in use by shop-api \(pid \d+/),
      });
    } finally {
      await first.close();
    }
  });

  it('takes over the lock of a process that is gone, and keeps what was committed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-stale-'));
    const first = await EmbeddedDatabase.open(dir, 'app');
    await first.query('create table kept (v text)');
    await first.query(`insert into kept values ('before')`);
    await first.close();
    writeFileSync(
      join(dir, 'app', 'owner.lock'),
      JSON.stringify({ pid: 2 ** 22 + 12345, hostname: hostname(), app: 'app', since: 'x' }),
    );
    const second = await EmbeddedDatabase.open(dir, 'app');
    try {
      expect(await second.query('select v from kept')).toEqual([{ v: 'before' }]);
    } finally {
      await second.close();
    }
  });
});

describeOnPostgres('PostgresDatabase (DATABASE_URL)', () => {
  let url: string;
  beforeAll(async () => {
    url = await freshDatabase('store_spec');
  });
  behavesAsTheStore(() => PostgresDatabase.open(url, 'spec-app'));

  it('migrates once when replicas start together (advisory lock)', async () => {
    const replicas = await Promise.all(
      Array.from({ length: 5 }, () => PostgresDatabase.open(url, 'replica')),
    );
    try {
      const applied = await Promise.all(
        replicas.map((db) => migrate(db, 'together', migrationsIn('together'))),
      );
      expect(applied.filter((versions) => versions.length > 0)).toEqual([[1, 2]]);
    } finally {
      await Promise.all(replicas.map((db) => db.close()));
    }
  });

  it('answers a lost connection with 503 DATABASE_UNAVAILABLE, then reconnects', async () => {
    const db = await PostgresDatabase.open(url, 'terminated');
    const admin = await PostgresDatabase.open(url, 'admin');
    try {
      const running = db.query('select pg_sleep(5)');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
          where application_name = 'terminated'`,
      );
      await expect(running).rejects.toMatchObject({
        code: 'DATABASE_UNAVAILABLE',
        status: 503,
      });
      expect(await db.query('select 1 as one')).toEqual([{ one: 1 }]);
      await expect(db.query('select * from no_such_table')).rejects.toMatchObject({
        code: '42P01', // a bug stays a bug, not a 503
      });
    } finally {
      await Promise.all([db.close(), admin.close()]);
    }
  });

  it('refuses to start without a server, naming DATABASE_URL and never the password', async () => {
    const unreachable = 'postgres://app:s3cret-pw@127.0.0.1:9/techstore';
    const failure = PostgresDatabase.open(unreachable, 'app');
    await expect(failure).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: expect.stringMatching(
        /^DATABASE_URL: cannot connect to postgres:\/\/app@127\.0\.0\.1:9\/techstore \(ECONNREFUSED/,
      ),
    });
    await expect(failure).rejects.not.toMatchObject({ message: expect.stringContaining('s3cret') });
  });
});
