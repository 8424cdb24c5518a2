/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` into a temporary directory,
 * `postgres` on a free port of 127.0.0.1 (and a Unix socket in that directory), trust
 * authentication, stopped and deleted by `stop()`. PostgreSQL refuses to run as root, so as
 * root the cluster belongs to the `postgres` user (Debian's packages create it) or `nobody`.
 * A watchdog process stops the server and deletes the directory if this process dies first.
 *
 * Only Node built-ins and `pg` here: Jest loads this file for its global setup, outside the
 * module mapping the specs use.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`: the superuser, no password (trust). */
  readonly adminUrl: string;
  readonly version: string;
  /** The postmaster's process id (its backends are its children). */
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Where `initdb` and `postgres` are: `PG_BIN`, else the newest `/usr/lib/postgresql/<n>/bin`
 * (Debian, Ubuntu), else `pg_config --bindir`. Undefined when PostgreSQL is not installed.
 */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates: string[] = [];
  if (env.PG_BIN) candidates.push(env.PG_BIN);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    candidates.push(
      ...readdirSync(debian)
        .filter((name) => /^\d+$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
        .map((name) => join(debian, name, 'bin')),
    );
  }
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0) candidates.push(pgConfig.stdout.trim());
  return candidates.find(
    (dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')),
  );
}

export interface StartOptions {
  /** Settings for `postgres -c`; tests turn durability off, the benchmark keeps the defaults. */
  settings?: Record<string, string>;
}

/** Settings for tests: nothing here survives the run, so durability only costs time. */
export const FAST_SETTINGS = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };

export async function startPostgres(
  bin: string,
  options: StartOptions = {},
): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), 'pg-test-'));
  const owner = unprivilegedOwner();
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const run = { ...(owner ?? {}), env: { PATH: process.env.PATH, LC_ALL: 'C' } };
  const data = join(dir, 'data');
  const initdb = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
    { ...run, encoding: 'utf8' },
  );
  if (initdb.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${initdb.stderr || initdb.stdout}`);
  }
  const port = await freePort();
  const settings = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: dir,
    max_connections: '300',
    ...options.settings,
  };
  const server = spawn(
    join(bin, 'postgres'),
    ['-D', data, ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`])],
    { ...run, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  server.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const watchdog = startWatchdog(server, dir);
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGINT'); // "fast" shutdown: rolls back open transactions, then exits
      await once(server, 'exit');
    }
    watchdog.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const version = await waitUntilReady(adminUrl, server, () => log);
    return { adminUrl, version, pid: server.pid as number, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A new, empty database on the server; returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database "${name.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function unprivilegedOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n');
  for (const user of ['postgres', 'nobody']) {
    const entry = passwd.find((line) => line.startsWith(`${user}:`))?.split(':');
    if (entry) return { uid: Number(entry[2]), gid: Number(entry[3]) };
  }
  throw new Error('running as root, but neither a postgres nor a nobody user exists');
}

async function waitUntilReady(
  adminUrl: string,
  server: ChildProcess,
  log: () => string,
): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`postgres exited:\n${log()}`);
    const client = new Client({ connectionString: adminUrl });
    try {
      await client.connect();
      const { rows } = await client.query<{ server_version: string }>('show server_version');
      return rows[0].server_version;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`postgres did not start:\n${log()}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** A detached process that stops the server and removes its directory once we are gone. */
function startWatchdog(server: ChildProcess, dir: string): ChildProcess {
  const script = `
    const [parent, pid, dir] = process.argv.slice(1);
    const alive = (p) => { try { process.kill(Number(p), 0); return true; } catch { return false; } };
    setInterval(() => {
      if (alive(parent)) return;
      try { process.kill(Number(pid), 'SIGQUIT'); } catch {}
      setTimeout(() => { require('fs').rmSync(dir, { recursive: true, force: true }); process.exit(0); }, 2000);
    }, 1000);`;
  const watchdog = spawn(
    process.execPath,
    ['-e', script, String(process.pid), String(server.pid), dir],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.unref();
  return watchdog;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
