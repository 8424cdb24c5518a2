import type { Database } from './database.js';

/** One step of an app's schema. Statements run in order, in the migration's transaction. */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Brings the app's schema up to date and returns the versions it applied. Runs at every start
 * and is safe when replicas start together: one transaction holds an advisory lock on the
 * schema's name, so the first replica migrates and the others then find nothing left to do.
 * Each app owns one schema (`shop_api`, `notification_service`) with its own
 * `schema_migrations`, so both apps can share one database. Versions the database has and this
 * code does not know (a newer replica ran first) are left alone: migrations only add, so older
 * code keeps working during a rolling update.
 */
export async function migrate(
  database: Database,
  schema: string,
  migrations: readonly Migration[],
): Promise<number[]> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  return database.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`${schema}.migrations`]);
    await tx.query(`create schema if not exists ${schema}`);
    await tx.query(
      `create table if not exists ${schema}.schema_migrations (
         version integer primary key,
         name text not null,
         applied_at timestamptz not null default now()
       )`,
    );
    const done = await tx.query<{ version: number }>(
      `select version from ${schema}.schema_migrations`,
    );
    const applied = new Set(done.map((row) => row.version));
    const pending = [...migrations]
      .sort((a, b) => a.version - b.version)
      .filter((migration) => !applied.has(migration.version));
    for (const migration of pending) {
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query(`insert into ${schema}.schema_migrations (version, name) values ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
    }
    return pending.map((migration) => migration.version);
  });
}
