import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { DataDirLock } from './data-dir-lock.js';
import { Database, type Queryable } from './database.js';
import { StoreUnavailableError } from './store.errors.js';

/**
 * PostgreSQL compiled to WebAssembly (PGlite), in this process, its files under
 * `<DATA_DIR>/<app>/pglite`. One connection: statements and transactions run one at a time,
 * which is all one process needs. Committed transactions survive a crash (WAL, replayed at the
 * next start); a lock file keeps a second process out.
 */
export class EmbeddedDatabase extends Database {
  readonly kind = 'embedded';

  private constructor(
    private readonly pg: PGlite,
    private readonly lock: DataDirLock,
    readonly location: string,
  ) {
    super();
  }

  /** Opens (creating on first use) the store of `app` under `dataDir`. */
  static async open(dataDir: string, app: string): Promise<EmbeddedDatabase> {
    const directory = join(dataDir, app);
    try {
      mkdirSync(directory, { recursive: true });
    } catch (error) {
      throw new StoreUnavailableError(
        `DATA_DIR: cannot create ${directory} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        { cause: error },
      );
    }
    const lock = DataDirLock.acquire(directory, app);
    try {
      const pg = await PGlite.create({ dataDir: join(directory, 'pglite') });
      return new EmbeddedDatabase(pg, lock, directory);
    } catch (error) {
      lock.release();
      throw new StoreUnavailableError(
        `DATA_DIR: cannot open the embedded store in ${directory} (${(error as Error).message})`,
        { cause: error },
      );
    }
  }

  async query<Row extends object>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return (await this.pg.query<Row>(sql, [...params])).rows;
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.pg.transaction((tx) => work(queryable(tx)));
  }

  async close(): Promise<void> {
    if (!this.pg.closed) await this.pg.close();
    this.lock.release();
  }
}

function queryable(tx: Transaction): Queryable {
  return {
    query: async <Row extends object>(sql: string, params: readonly unknown[] = []) =>
      (await tx.query<Row>(sql, [...params])).rows,
  };
}
