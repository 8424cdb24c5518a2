/** Something SQL can be sent to: the database itself, or one transaction on it. */
export interface Queryable {
  /** Runs one statement with `$1`-style parameters and returns its rows. */
  query<Row extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<Row[]>;
}

/**
 * The app's database: PostgreSQL when `DATABASE_URL` is set, otherwise the embedded PostgreSQL
 * (PGlite) under `DATA_DIR`. Both speak the same SQL, so every query is written once
 * (docs/adr/0019). Also the Nest injection token.
 */
export abstract class Database implements Queryable {
  /** `embedded` (one process owns the data directory) or `postgres` (shared by replicas). */
  abstract readonly kind: 'embedded' | 'postgres';
  /** Where the data lives, safe to log: a directory, or host, port and database (no password). */
  abstract readonly location: string;

  abstract query<Row extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<Row[]>;

  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  abstract transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;

  abstract close(): Promise<void>;
}
