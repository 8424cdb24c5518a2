import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { assertFreshBuild } from './fresh-build.js';

export const REPO_ROOT = join(__dirname, '..', '..');

/** A port nobody listens on right now (the OS picks it; tiny race accepted in tests). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface AppProcess {
  readonly name: 'shop-api' | 'notification-service';
  readonly url: string;
  readonly port: number;
  /** The running process's id (undefined while stopped). */
  pid(): number | undefined;
  /** Everything the process wrote, for assertions that nothing secret was logged. */
  output(): string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGKILL: the process dies at once, with no shutdown hook (a crash). */
  kill(): Promise<void>;
  /** Whether the process runs now. */
  running(): boolean;
}

/** How long `stop()` waits for a graceful exit before it kills the process. */
const STOP_GRACE_MS = 10_000;

/**
 * Runs a built app (`dist/apps/<name>/main.js`) as a real process on a fixed port with the given
 * environment, and waits until `GET /health/live` answers. A build older than its sources is
 * refused (`assertFreshBuild`). `stop()` sends SIGTERM (graceful shutdown; SIGKILL after
 * 10 s), `kill()` SIGKILL (a crash); `start()` starts it again on the same port.
 */
export function appProcess(
  name: 'shop-api' | 'notification-service',
  port: number,
  env: Record<string, string>,
  /** The checkout whose build runs (the benchmark runs an older one beside this one). */
  root = REPO_ROOT,
): AppProcess {
  let child: ChildProcess | undefined;
  let output = '';
  const url = `http://127.0.0.1:${port}`;
  const app: AppProcess = {
    name,
    url,
    port,
    output: () => output,
    pid: () => child?.pid,
    async start() {
      // A second process would find the port taken and exit, and the first would be lost.
      if (app.running()) throw new Error(`${name} is already running`);
      assertFreshBuild(root, name);
      child = spawn(process.execPath, [join(root, 'dist', 'apps', name, 'main.js')], {
        env: { PATH: process.env.PATH, LOG_LEVEL: 'info', ...env, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const collect = (chunk: Buffer) => (output += chunk.toString());
      child.stdout?.on('data', collect);
      child.stderr?.on('data', collect);
      const started = child;
      await waitFor(`${name} to answer /health/live`, 60_000, async () => {
        if (started.exitCode !== null) {
          throw new Error(`${name} exited with ${started.exitCode}:\n${output.slice(-2000)}`);
        }
        return (await fetch(`${url}/health/live`).catch(() => undefined))?.ok === true;
      });
    },
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
  };
  async function end(signal: NodeJS.Signals) {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill(signal);
    const timer = setTimeout(() => running.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
  return app;
}

/** Polls `check` every 50 ms until it returns true; fails with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean> | boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
