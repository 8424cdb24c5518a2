import { accessSync, constants, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BaseEnvironment } from './base.environment.js';

/**
 * With no DATABASE_URL the embedded store needs DATA_DIR: created here if missing, and it must
 * be writable. The problem names the variable, not the path.
 */
export function dataDirProblems(env: BaseEnvironment): string[] {
  if (env.DATABASE_URL !== undefined) return [];
  const directory = resolve(env.DATA_DIR);
  try {
    mkdirSync(directory, { recursive: true });
    accessSync(directory, constants.W_OK);
    return [];
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return [`DATA_DIR: cannot create or write the directory (${code})`];
  }
}
