// What the benchmarks share: CPU pinning, CPU time of a server process, the compiled bench
// server, starting and stopping servers, medians and per-round ratios.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = join(__dirname, '..');
const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process so far (Linux /proc; the tick is 10 ms). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `median [min-max]` of per-round ratios. */
export function ratioSummary(ratios: number[]): string {
  return `${median(ratios).toFixed(2)} [${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}]`;
}

/** Pins this process (all its threads) to CPU 1 when there are two CPUs and taskset exists. */
export function pinSelf(): boolean {
  if (cpus().length < 2) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** One line on the machine, Node and load, printed above every result table. */
export function machineLine(load: number[]): string {
  const cpu = cpus();
  return (
    `node ${process.version}, ${cpu.length} x ${cpu[0]?.model ?? '?'}, ` +
    `${(totalmem() / 2 ** 30).toFixed(0)} GiB, 1-min load average ${load.map((l) => l.toFixed(2)).join(' → ')}`
  );
}

export const loadAverage = (): number => loadavg()[0];

/**
 * Compiles the bench server with tsc (Nest's dependency injection needs decorator metadata,
 * which tsx/esbuild does not emit) into `outDir`; returns the entry file.
 */
export function compileBenchServer(outDir: string): string {
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      '--ignoreConfig',
      '--outDir',
      outDir,
      '--rootDir',
      ROOT,
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'ES2022',
      '--experimentalDecorators',
      '--emitDecoratorMetadata',
      '--esModuleInterop',
      '--skipLibCheck',
      '--strict',
      '--types',
      'node',
      join(ROOT, 'bench/bench-server.ts'),
    ],
    { stdio: 'inherit' },
  );
  return join(outDir, 'bench/bench-server.js');
}

export { freePort } from '../test/support/processes.js';

export interface StartedServer {
  child: ChildProcess;
  port: number;
}

/**
 * Starts the compiled bench server (pinned to CPU 0 when `pinned`); it prints
 * `listening <port>` when ready.
 */
export async function startBenchServer(
  entry: string,
  pinned: boolean,
  env: NodeJS.ProcessEnv,
): Promise<StartedServer> {
  const child = spawnPinned(pinned, [entry], env, ['ignore', 'pipe', 'inherit']);
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^listening (\d+)$/.exec(line);
      if (match) resolve(Number(match[1]));
    });
  });
  return { child, port };
}

/** Runs `node <args>` on CPU 0 when `pinned`. */
export function spawnPinned(
  pinned: boolean,
  args: string[],
  env: NodeJS.ProcessEnv,
  stdio: ('ignore' | 'pipe' | 'inherit')[],
): ChildProcess {
  const [command, argv] = pinned
    ? ['taskset', ['-c', '0', process.execPath, ...args]]
    : [process.execPath, args];
  return spawn(command, argv, { env: { ...process.env, ...env }, stdio });
}

/** Polls `url` until it answers 2xx; fails after `timeoutMs` or when `child` exits. */
export async function waitUntilAnswering(
  url: string,
  child: ChildProcess,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited (${child.exitCode})`);
    const response = await fetch(url).catch(() => undefined);
    if (response?.ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
