import { Logger } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';
import { Database, type Queryable } from './database.js';
import { describeDatabaseUrl } from './store-settings.js';
import { DatabaseUnavailableException, StoreUnavailableError } from './store.errors.js';

/** Per replica; replicas × this must stay under the server's `max_connections`. */
export const POOL_SIZE = 10;
/** A statement that runs longer is cancelled by the server (a stuck lock never hangs a request). */
export const STATEMENT_TIMEOUT_MS = 10_000;

/**
 * A PostgreSQL server shared by any number of replicas, through a pool of `POOL_SIZE`
 * connections (node-postgres).
 */
export class PostgresDatabase extends Database {
  readonly kind = 'postgres';
  private readonly logger = new Logger('Database');

  private constructor(
    private readonly pool: Pool,
    readonly location: string,
  ) {
    super();
    // An idle connection that breaks (server restart, network) must not crash the process:
    // the pool drops it and opens a new one for the next query.
    pool.on('error', (error) =>
      this.logger.warn(`idle PostgreSQL connection lost (${error.message})`),
    );
  }

  /** Connects once to fail start-up early, with a message naming `DATABASE_URL`. */
  static async open(databaseUrl: string, app: string): Promise<PostgresDatabase> {
    const location = describeDatabaseUrl(databaseUrl);
    const pool = new Pool({
      connectionString: databaseUrl,
      application_name: app,
      max: POOL_SIZE,
      connectionTimeoutMillis: 5_000,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      idle_in_transaction_session_timeout: STATEMENT_TIMEOUT_MS,
    });
    const database = new PostgresDatabase(pool, location);
    try {
      await pool.query('select 1');
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new StoreUnavailableError(
        `DATABASE_URL: cannot connect to ${location} (${reason(error)})`,
        { cause: error },
      );
    }
    return database;
  }

  async query<Row extends object>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    try {
      return (await this.pool.query<Row>(sql, [...params])).rows;
    } catch (error) {
      throw unavailable(error);
    }
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw unavailable(error);
    });
    let broken: Error | undefined;
    try {
      await client.query('begin');
      const result = await work(queryable(client));
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch((rollbackError: Error) => (broken = rollbackError));
      throw unavailable(error);
    } finally {
      // A connection whose rollback failed is discarded, not returned to the pool.
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * Connection-level failures become {@link DatabaseUnavailableException} (503): SQLSTATE class 08
 * (connection exception), 57P01-57P03 (server shutting down or starting), 53300 (too many
 * connections), 57014 (statement timeout), and node-postgres's own connection errors.
 */
function unavailable(error: unknown): unknown {
  if (error instanceof DatabaseUnavailableException) return error;
  const { code, message = '' } = (error ?? {}) as { code?: string; message?: string };
  const connection =
    (typeof code === 'string' &&
      (code.startsWith('08') ||
        ['57P01', '57P02', '57P03', '53300', '57014'].includes(code) ||
        /^E[A-Z]+$/.test(code))) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
      message,
    );
  return connection ? new DatabaseUnavailableException(error) : error;
}

function queryable(client: PoolClient): Queryable {
  return {
    query: async <Row extends object>(sql: string, params: readonly unknown[] = []) =>
      (await client.query<Row>(sql, [...params])).rows,
  };
}

/** node-postgres's error code and message: host and port at most, never the password. */
function reason(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return [code, message].filter(Boolean).join(' ') || String(error);
}
