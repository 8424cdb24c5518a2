import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/** pair.json: the one list of the pair's names (ADR 0016), read by tests and the rename. */
export interface PairNames {
  /** The calling service: its Keycloak client id, app folder and service name (kebab-case). */
  caller: string;
  /** The receiving service: its client id (the tokens' audience), app folder, service name. */
  receiver: string;
}

export const PAIR_FILE = 'pair.json';
/** Where the retired variables are kept: the apps refuse them at start-up. */
export const RENAMED_VARIABLES_FILE = 'libs/common/src/config/renamed-variables.ts';
const REPO_ROOT = join(__dirname, '..', '..');

export function readPair(root = REPO_ROOT): PairNames {
  return JSON.parse(readFileSync(join(root, PAIR_FILE), 'utf8')) as PairNames;
}

/** Every spelling a kebab-case name takes in this repository: kebab, SNAKE, snake, camel, Pascal. */
export function spellings(name: string): string[] {
  const words = name.split('-');
  const upper = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
  return [
    name,
    words.join('_').toUpperCase(),
    words.join('_'),
    words[0] + words.slice(1).map(upper).join(''),
    words.map(upper).join(''),
  ];
}

/**
 * Variables a rename retired that are still set, in the environment or in the project's `.env`
 * (which compose and `npm run keycloak:dist` read): one line each, naming the variable and its
 * successor. Such a value would otherwise be ignored without a word.
 */
export function retiredVariablesInUse(
  env: NodeJS.ProcessEnv = process.env,
  root = REPO_ROOT,
  renamed: Readonly<Record<string, string>> = Object.fromEntries(readRenamedVariables(root)),
): string[] {
  const dotEnvFile = join(root, '.env');
  const dotEnv = existsSync(dotEnvFile) ? parseEnv(readFileSync(dotEnvFile, 'utf8')) : {};
  return Object.entries(renamed).flatMap(([old, now]) =>
    [
      [env[old], 'the environment'],
      [dotEnv[old], '.env'],
    ]
      .filter(([value]) => value !== undefined && value !== '')
      .map(
        ([, where]) =>
          `${old} is set in ${where} but no longer read since the pair was renamed: set ${now} instead`,
      ),
  );
}

/** The variables renames retired, old → new, as RENAMED_VARIABLES_FILE lists them. */
export function readRenamedVariables(root = REPO_ROOT): Array<[string, string]> {
  const file = join(root, RENAMED_VARIABLES_FILE);
  if (!existsSync(file)) return [];
  const body = /= \{([\s\S]*)\};/.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
  return [...body.matchAll(/'?([A-Z][A-Z0-9_]*)'?\s*:\s*'([A-Z][A-Z0-9_]*)'/g)].map(
    ([, old, now]) => [old, now],
  );
}
