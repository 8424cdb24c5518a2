// eslint-disable-next-line no-restricted-syntax -- loaded by Jest without the module mapping
import type { PostgresServer } from './postgres-server';

/** Jest global teardown: stops the cluster the global setup started, if it did. */
export default async function tearDown(): Promise<void> {
  await (globalThis as { testPostgres?: PostgresServer }).testPostgres?.stop();
}
