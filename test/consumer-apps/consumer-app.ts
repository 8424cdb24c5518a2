import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/processes.js';

export type AppKind = 'esm' | 'cjs';

/** The folder `nest new my-service` creates (the name in docs/adapting.md's commands). */
export const APP_NAME = 'my-service';

/**
 * The blocks of docs/adapting.md marked `<!-- consumer-app: <name> -->`, by name: the commands
 * (and the one edit) a reader makes are the ones this check makes.
 */
export function docBlocks(file = join(REPO_ROOT, 'docs', 'adapting.md')): Map<string, string> {
  const blocks = new Map<string, string>();
  const marked = /<!-- consumer-app: ([A-Za-z -]+) -->\s*```(?:bash|ts)\n([\s\S]*?)```/g;
  for (const [, name, body] of readFileSync(file, 'utf8').matchAll(marked)) {
    if (blocks.has(name)) throw new Error(`docs/adapting.md marks "${name}" twice`);
    blocks.set(name, body);
  }
  return blocks;
}

/** `name@version` of every package an `npm install` line in `commands` names. */
export function installedPackages(commands: string): Array<{ name: string; version: string }> {
  return commands
    .split('\n')
    .filter((line) => /^npm install\b/.test(line.trim()))
    .flatMap((line) => line.trim().split(/\s+/).slice(2))
    .filter((word) => !word.startsWith('-'))
    .map((word) => {
      const at = word.lastIndexOf('@');
      if (at <= 0) throw new Error(`"${word}" in docs/adapting.md has no exact version`);
      return { name: word.slice(0, at), version: word.slice(at + 1) };
    });
}

export interface CommandResult {
  code: number | null;
  output: string;
}

/** Runs a documented block with bash (`-euo pipefail`: the first failing command fails it). */
export async function runBlock(
  block: string,
  cwd: string,
  env: Record<string, string>,
): Promise<CommandResult> {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', block], {
    cwd,
    env: {
      ...process.env,
      CI: 'true',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, output };
}

/** Fails with the command's last output when it did not exit 0. */
export function expectSuccess(name: string, result: CommandResult): void {
  if (result.code !== 0) {
    throw new Error(`"${name}" exited with ${result.code}:\n${result.output.slice(-4000)}`);
  }
}

/** The line `nest new --type cjs` writes in jest.config.ts, which the documented edit replaces. */
const GENERATED_MAPPER =
  "  moduleNameMapper: pathsToModuleNameMapper(paths, { prefix: '<rootDir>/' }),\n";

/** jest.config.ts with docs/adapting.md's `moduleNameMapper` in place of the generated one. */
export function withDocumentedMapper(config: string, documented: string): string {
  if (!config.includes(GENERATED_MAPPER)) {
    throw new Error(
      'jest.config.ts no longer has the moduleNameMapper line docs/adapting.md replaces: ' +
        'nest new changed its template, update the document',
    );
  }
  return config.replace(GENERATED_MAPPER, () => documented);
}
