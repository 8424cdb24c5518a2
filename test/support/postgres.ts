import { randomUUID } from 'node:crypto';
import { createDatabase } from './postgres-server.js';

/** The test run's PostgreSQL server (see postgres.global-setup.ts); unset when there is none. */
export const testPostgresUrl = process.env.TEST_POSTGRES_URL;

/** `describe` when PostgreSQL is there, `describe.skip` otherwise (the setup said why). */
export const describeOnPostgres = testPostgresUrl ? describe : describe.skip;

/** A fresh database on the run's server, named after `purpose`. */
export function freshDatabase(purpose: string): Promise<string> {
  if (!testPostgresUrl) throw new Error('no PostgreSQL in this run');
  const name = `${purpose.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${randomUUID().slice(0, 8)}`;
  return createDatabase(testPostgresUrl, name);
}
