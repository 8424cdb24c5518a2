/**
 * Jest global setup: one throwaway PostgreSQL cluster for the whole run, its admin URL in
 * `TEST_POSTGRES_URL` for the suites (each makes its own databases). `TEST_POSTGRES_URL` set
 * beforehand: that server is used instead. No PostgreSQL installed: one line says so and the
 * PostgreSQL suites skip, except on CI (`CI=true`), where that is an error.
 */
// Jest loads its global setup without the specs' module mapping: no `.js` here.
// eslint-disable-next-line no-restricted-syntax
import { findPostgresBin, FAST_SETTINGS, startPostgres } from './postgres-server';

export default async function setUp(): Promise<void> {
  if (process.env.TEST_POSTGRES_URL) return;
  const bin = findPostgresBin();
  if (!bin) {
    const why = 'PostgreSQL not found (PG_BIN, /usr/lib/postgresql/<n>/bin or pg_config)';
    if (process.env.CI === 'true') throw new Error(`${why}: CI needs it (.ci/run installs it)`);
    process.stdout.write(`\n${why}: the PostgreSQL suites are skipped\n`);
    return;
  }
  const server = await startPostgres(bin, { settings: FAST_SETTINGS });
  process.env.TEST_POSTGRES_URL = server.adminUrl;
  (globalThis as { testPostgres?: typeof server }).testPostgres = server;
}
