import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findJava } from './java-runtime.js';

// `npm run keycloak:dist` as a user runs it (free ports instead of 8080/9000): the ready line,
// then the process that started Keycloak killed with SIGKILL, which no handler can see. The
// watchdog must still stop the JVM and remove its data directory.
const MAIN = join(__dirname, 'main.ts');
const java = findJava(process.env);
const suite = typeof java === 'string' ? describe.skip : describe;

interface ProcessEntry {
  pid: number;
  ppid: number;
  pgid: number;
  args: string;
}

function processes(): ProcessEntry[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,pgid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const [pid, ppid, pgid, ...args] = line.trim().split(/\s+/);
      return { pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), args: args.join(' ') };
    });
}

suite(`npm run keycloak:dist${typeof java === 'string' ? ` (skipped: ${java})` : ''}`, () => {
  let cli: ChildProcess;
  let stdout = '';

  afterAll(() => {
    if (cli.exitCode === null) cli.kill('SIGKILL');
  });

  it('prints one ready line, and leaves no JVM behind when the process that started it is killed', async () => {
    cli = spawn(process.execPath, [require.resolve('tsx/cli'), MAIN], {
      env: { ...process.env, KEYCLOAK_DIST_PORT: '0', KEYCLOAK_DIST_MANAGEMENT_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cli.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready line:\n${stdout}`)), 240_000);
      cli.stdout!.on('data', () => {
        if (/ready in/.test(stdout)) {
          clearTimeout(timer);
          resolve();
        }
      });
      cli.once('exit', () => reject(new Error(`keycloak:dist exited:\n${stdout}`)));
    });
    const ready = stdout.split('\n').find((line) => line.includes('ready in')) as string;
    expect(ready).toMatch(
      /^Keycloak \d+\.\d+\.\d+ ready in \d+\.\d s.*: http:\/\/localhost:(\d+) · issuer http:\/\/localhost:\1\/realms\/techstore · admin console http:\/\/localhost:\1\/admin\/ .* · health http:\/\/127\.0\.0\.1:\d+\/health\/ready · Java /,
    );
    // This CLI's watchdog (the global setup's Keycloak has one too): tsx → main → watchdog.
    const running = processes();
    const main = running.filter((entry) => entry.ppid === cli.pid).map((entry) => entry.pid);
    const watchdog = running.find(
      (entry) => entry.args.includes('watchdog.js') && main.includes(entry.ppid),
    );
    expect(watchdog).toBeDefined();
    const group = processes().filter((entry) => entry.pgid === watchdog!.pid);
    expect(group.some((entry) => /\bjava\b/.test(entry.args))).toBe(true);
    const instanceDir = /watchdog\.js (\S+)/.exec(watchdog!.args)![1];

    process.kill(watchdog!.ppid, 'SIGKILL');
    const deadline = Date.now() + 60_000;
    while (processes().some((entry) => entry.pgid === watchdog!.pid)) {
      if (Date.now() > deadline) throw new Error('Keycloak outlived the process that started it');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(existsSync(instanceDir)).toBe(false);
    if (cli.exitCode === null) await once(cli, 'exit');
  }, 300_000);
});
