import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The watchdog with a stand-in for kc.sh that, like kc.sh, runs a long-lived child (the "JVM")
// and forwards nothing: the watchdog must stop both, and remove the instance directory.
const WATCHDOG = join(__dirname, 'watchdog.js');

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function start() {
  const instance = mkdtempSync(join(tmpdir(), 'watchdog-instance-'));
  const kcSh = join(instance, 'kc.sh');
  writeFileSync(kcSh, '#!/bin/sh\nsleep 300 &\necho $! > jvm.pid\nwait\n', { mode: 0o755 });
  const watchdog = spawn(process.execPath, [WATCHDOG, instance, kcSh], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env: { ...process.env, KEYCLOAK_DIST_STOP_GRACE_MS: '2000' },
  });
  return { instance, watchdog, exited: once(watchdog, 'exit') };
}

async function jvmPid(instance: string): Promise<number> {
  await waitUntil(() => existsSync(join(instance, 'jvm.pid')));
  return Number(readFileSync(join(instance, 'jvm.pid'), 'utf8'));
}

describe('watchdog.js', () => {
  it('stops the whole group and removes the data when whoever started it is gone (stdin closed)', async () => {
    const { instance, watchdog, exited } = start();
    const jvm = await jvmPid(instance);
    expect(isAlive(jvm)).toBe(true);
    watchdog.stdin.end();
    await exited;
    await waitUntil(() => !isAlive(jvm));
    expect(existsSync(instance)).toBe(false);
  });

  it('stops the whole group on SIGTERM', async () => {
    const { instance, watchdog, exited } = start();
    const jvm = await jvmPid(instance);
    watchdog.kill('SIGTERM');
    await exited;
    await waitUntil(() => !isAlive(jvm));
    expect(existsSync(instance)).toBe(false);
  });

  it.each([
    ['SIGUSR1', 'SIGTERM'],
    ['SIGUSR2', 'SIGKILL'],
  ] as const)(
    '%s restarts Keycloak (%s to kc.sh and the JVM) in the same instance directory, its data kept',
    async (request, _sent) => {
      const { instance, watchdog, exited } = start();
      const first = await jvmPid(instance);
      writeFileSync(join(instance, 'data-marker'), 'kept');
      rmSync(join(instance, 'jvm.pid'));
      watchdog.kill(request);
      await waitUntil(() => !isAlive(first));
      const second = await jvmPid(instance);
      expect(second).not.toBe(first);
      expect(isAlive(second)).toBe(true);
      expect(readFileSync(join(instance, 'data-marker'), 'utf8')).toBe('kept');
      watchdog.kill('SIGTERM');
      await exited;
      await waitUntil(() => !isAlive(second));
      expect(existsSync(instance)).toBe(false);
    },
  );
});
