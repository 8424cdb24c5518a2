import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Exclusive use of one real Keycloak by one test file at a time, across Jest workers: the e2e
 * suite counts shop-api's token requests in Keycloak's event store, which another file's
 * requests would spoil. A lock directory per Keycloak URL; a holder that died is ignored.
 * Returns the release function.
 */
export async function useExclusively(
  keycloakUrl: string,
  timeoutMs = 600_000,
): Promise<() => void> {
  const lock = join(tmpdir(), `real-keycloak-${keycloakUrl.replace(/[^A-Za-z0-9]/g, '_')}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch {
      let holder = NaN;
      try {
        holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // Being written or released right now.
      }
      if (Number.isInteger(holder) && !isAlive(holder))
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
