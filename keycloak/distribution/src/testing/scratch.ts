import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];

/** A new temporary directory, removed by `removeScratch()` (call it in `afterAll`). */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Keeps a directory made elsewhere (an instance home) for `removeScratch()`. */
export function keepForRemoval(dir: string): string {
  created.push(dir);
  return dir;
}

export function removeScratch(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
