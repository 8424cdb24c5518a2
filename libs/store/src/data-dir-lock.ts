import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StoreUnavailableError } from './store.errors.js';

interface LockOwner {
  pid: number;
  hostname: string;
  app: string;
  since: string;
}

const LOCK_FILE = 'owner.lock';

/**
 * Makes sure one process at a time opens an embedded store: PGlite itself does not stop a
 * second process from opening the same files, which would corrupt them. The lock file names
 * the owner (pid and host). A lock left by a process that is gone (killed, crashed, or a
 * container that was replaced) is taken over; a live owner on this host is refused.
 */
export class DataDirLock {
  private constructor(
    private readonly file: string,
    private readonly content: string,
  ) {}

  static acquire(directory: string, app: string): DataDirLock {
    const file = join(directory, LOCK_FILE);
    const owner: LockOwner = {
      pid: process.pid,
      hostname: hostname(),
      app,
      since: new Date().toISOString(),
    };
    const content = `${JSON.stringify(owner)}\n`;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        writeFileSync(file, content, { flag: 'wx' });
        return new DataDirLock(file, content);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new StoreUnavailableError(
            `DATA_DIR: cannot create ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
            { cause: error },
          );
        }
      }
      const holder = readOwner(file);
      if (holder && isAlive(holder)) {
        throw new StoreUnavailableError(
          `DATA_DIR: ${directory} is in use by ${holder.app} (pid ${holder.pid}, since ${holder.since}); ` +
            'the embedded store serves one process: stop the other one, give this one another ' +
            'DATA_DIR, or set DATABASE_URL to run replicas on PostgreSQL',
        );
      }
      // Stale: its owner is gone. Remove it and race for it once more.
      try {
        unlinkSync(file);
      } catch {
        // Another process removed it first; the next attempt decides.
      }
    }
    throw new StoreUnavailableError(`DATA_DIR: ${directory} is being opened by another process`);
  }

  /** Removes the lock file if it is still this process's. */
  release(): void {
    try {
      if (readFileSync(this.file, 'utf8') === this.content) unlinkSync(this.file);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    return typeof parsed.pid === 'number' && typeof parsed.hostname === 'string'
      ? (parsed as LockOwner)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A lock from another host (a replaced container, a copied directory) cannot be checked and is
 * treated as stale; so is one naming this very pid (a restarted container is pid 1 again).
 */
function isAlive(owner: LockOwner): boolean {
  if (owner.hostname !== hostname() || owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
