import { resolve } from 'node:path';

/** Where an app keeps its state, from `DATA_DIR` and `DATABASE_URL`. */
export type StoreSettings =
  { kind: 'embedded'; dataDir: string } | { kind: 'postgres'; databaseUrl: string };

export function storeSettings(env: { DATA_DIR: string; DATABASE_URL?: string }): StoreSettings {
  return env.DATABASE_URL
    ? { kind: 'postgres', databaseUrl: env.DATABASE_URL }
    : { kind: 'embedded', dataDir: resolve(env.DATA_DIR) };
}

/**
 * A `postgres://` URL as it may be logged: scheme, user, host, port and database, never the
 * password (nor query parameters, which may carry one, e.g. `?password=` or `sslkey`).
 */
export function describeDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
    return `${url.protocol}//${user}${url.host}${url.pathname}`;
  } catch {
    return 'an unparseable DATABASE_URL';
  }
}
