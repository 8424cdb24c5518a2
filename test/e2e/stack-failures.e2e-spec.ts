/**
 * A test stack that fails to start stops everything it started and rejects with the error, so a
 * failed `beforeAll` ends the run instead of leaving processes (and Jest) running; and it never
 * runs a build older than its sources.
 */
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  utimesSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/processes.js';
import { Stack } from '../support/stack.js';

jest.setTimeout(60_000);

/** The built apps this Jest process started that still run (their command lines). */
function appProcesses(): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return parent === process.pid && command.includes('/dist/apps/') ? [command] : [];
      } catch {
        return [];
      }
    });
}

/** The ports this process listens on (the local Keycloak-compatible server, the SMTP catcher). */
function listeningPorts(): number[] {
  const sockets = new Set(
    readdirSync('/proc/self/fd').flatMap((fd) => {
      try {
        return [/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1]];
      } catch {
        return [];
      }
    }),
  );
  return ['/proc/self/net/tcp', '/proc/self/net/tcp6']
    .flatMap((table) => readFileSync(table, 'utf8').split('\n').slice(1))
    .map((row) => row.trim().split(/\s+/))
    .filter((fields) => fields[3] === '0A' && sockets.has(fields[9]))
    .map((fields) => parseInt(fields[1].split(':')[1], 16))
    .sort();
}

describe('a stack that fails to start', () => {
  let portsBefore: number[];
  beforeEach(() => {
    portsBefore = listeningPorts();
    expect(appProcesses()).toEqual([]);
  });
  afterEach(() => {
    expect(appProcesses()).toEqual([]);
    expect(listeningPorts()).toEqual(portsBefore);
  });

  it('stops what it started when an app exits at start-up, and rejects naming the variable', async () => {
    await expect(Stack.start({ env: { KEYCLOAK_URL: 'not-a-url' } })).rejects.toThrow(
      /exited with 1:[\s\S]*KEYCLOAK_URL/,
    );
  });

  it('stops what it started when an app never gets ready, and rejects with its output', async () => {
    await expect(
      Stack.start({
        shopApiEnv: () => Promise.resolve({ KEYCLOAK_CLIENT_SECRET: 'not-the-secret' }),
        readyTimeoutMs: 3_000,
      }),
    ).rejects.toThrow(/timed out waiting for shop-api to be ready; its last output:/);
  });

  it('refuses a build older than its sources, and stops what it started', async () => {
    const root = mkdtempSync(join(tmpdir(), 'stale-build-'));
    try {
      for (const path of ['apps', 'libs', 'dist/apps']) {
        cpSync(join(REPO_ROOT, path), join(root, path), { recursive: true });
      }
      const touched = join(root, 'apps/notification-service/src/main.ts');
      const later = new Date(Date.now() + 60_000);
      utimesSync(touched, later, later);
      await expect(Stack.start({ appsRoot: root })).rejects.toThrow(
        'dist/apps/notification-service/main.js is older than ' +
          'apps/notification-service/src/main.ts: a stale build; run `npm run build`',
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
