import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import {
  PAIR_FILE,
  RENAMED_VARIABLES_FILE,
  readPair,
  readRenamedVariables,
  spellings,
  type PairNames,
} from './pair.js';

export interface RenameRequest {
  caller?: string;
  receiver?: string;
}

export interface RenameReport {
  /** Old spelling → new spelling, every form of both names. */
  spellings: Record<string, string>;
  /** Files whose content changed. */
  files: number;
  replacements: number;
  /** Paths moved, old → new. */
  paths: Array<[string, string]>;
  /** Environment variables renamed, old → new (recorded in RENAMED_VARIABLES_FILE). */
  variables: Record<string, string>;
  /** Variables renamed in the project's `.env`. */
  dotEnv: string[];
  /** Whether an old build (dist/) was removed. */
  removedBuild: boolean;
}

/** Two or more lowercase words joined by `-`: every spelling of it stays distinctive. */
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/;

/** Where the variables that deployments set are declared: the ones a rename retires. */
const VARIABLE_SOURCES = [
  /^\.env\.example$/,
  /^docker-compose\.yml$/,
  /^apps\/[^/]+\/src\/config\/[^/]+\.environment\.ts$/,
  /^keycloak\/[^/]+\.json$/,
];

export class RenameError extends Error {
  static readonly code = 'PAIR_RENAME_REFUSED';
  readonly code = RenameError.code;

  constructor(readonly problems: string[]) {
    super(`cannot rename the pair:\n- ${problems.join('\n- ')}`);
    this.name = 'RenameError';
  }
}

/** Every file of the working tree that git tracks or would track (not ignored ones). */
function projectFiles(root: string): string[] {
  if (!existsSync(join(root, '.git'))) {
    throw new RenameError([`${root} is not a git checkout (the rename works on git's file list)`]);
  }
  return execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((file) => file !== '' && existsSync(join(root, file)))
    .filter((file) => lstatSync(join(root, file)).isFile());
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function removeEmptyDirectories(root: string, dir: string): void {
  while (dir !== '.' && dir !== '') {
    const full = join(root, dir);
    if (!existsSync(full) || readdirSync(full).length > 0) return;
    rmdirSync(full);
    dir = dirname(dir);
  }
}

/**
 * Renames the pair in the checkout at `root`: every spelling of each name (kebab, SCREAMING_SNAKE,
 * snake, camel, Pascal) in every project file and path, pair.json (with the environment variables
 * that changed, so that a value still set under an old name is reported, not ignored), the
 * variables in `.env`, and the old build.
 */
export function renamePair(root: string, request: RenameRequest): RenameReport {
  const current = readPair(root);
  const next = {
    caller: request.caller ?? current.caller,
    receiver: request.receiver ?? current.receiver,
  };
  const problems: string[] = [];
  for (const [role, name] of Object.entries(next)) {
    if (!NAME.test(name)) {
      problems.push(
        `--${role} ${name}: must be two or more lowercase words joined by "-" (e.g. orders-api)`,
      );
    }
  }
  if (next.caller === next.receiver)
    problems.push('the caller and the receiver need different names');
  if (problems.length > 0) throw new RenameError(problems);

  const map = new Map<string, string>();
  for (const role of ['caller', 'receiver'] as const) {
    const [from, to] = [spellings(current[role]), spellings(next[role])];
    from.forEach((spelling, index) => {
      if (spelling !== to[index]) map.set(spelling, to[index]);
    });
  }
  // Both are written whole below, not rewritten.
  const files = projectFiles(root).filter(
    (file) => file !== PAIR_FILE && file !== RENAMED_VARIABLES_FILE,
  );
  const contents = new Map<string, string>();
  for (const file of files) {
    const buffer = readFileSync(join(root, file));
    if (!buffer.includes(0)) contents.set(file, buffer.toString('utf8'));
  }
  // A new name already in use in code, configuration or a realm would merge with what uses it,
  // and a later rename could not tell them apart. Prose (*.md) may use any name as an example.
  const code = [...contents].filter(([file]) => !file.endsWith('.md'));
  for (const role of ['caller', 'receiver'] as const) {
    if (next[role] === current[role]) continue;
    for (const spelling of spellings(next[role])) {
      const user = code.find(([, text]) => text.includes(spelling))?.[0];
      if (user) problems.push(`--${role} ${next[role]}: "${spelling}" is already used in ${user}`);
    }
  }
  if (problems.length > 0) throw new RenameError(problems);

  const pattern = new RegExp(
    [...map.keys()]
      .sort((a, b) => b.length - a.length)
      .map(escape)
      .join('|'),
    'g',
  );
  const rename = (text: string) =>
    map.size === 0 ? text : text.replace(pattern, (m) => map.get(m) ?? m);

  const variables: Record<string, string> = {};
  for (const [file, text] of contents) {
    if (!VARIABLE_SOURCES.some((source) => source.test(file))) continue;
    for (const [variable] of text.matchAll(/\b[A-Z][A-Z0-9_]*\b/g)) {
      const renamed = rename(variable);
      if (renamed !== variable) variables[variable] = renamed;
    }
  }

  const changed: string[] = [];
  let replacements = 0;
  for (const [file, text] of contents) {
    const count = map.size === 0 ? 0 : (text.match(pattern) ?? []).length;
    if (count === 0) continue;
    writeFileSync(join(root, file), rename(text));
    changed.push(file);
    replacements += count;
  }
  const paths: Array<[string, string]> = [];
  for (const file of files) {
    const moved = rename(file);
    if (moved === file) continue;
    mkdirSync(dirname(join(root, moved)), { recursive: true });
    renameSync(join(root, file), join(root, moved));
    removeEmptyDirectories(root, dirname(file));
    paths.push([file, moved]);
  }

  const renamedVariables: Record<string, string> = {};
  for (const [old, now] of readRenamedVariables(root)) {
    renamedVariables[old] = variables[now] ?? now;
  }
  Object.assign(renamedVariables, variables);
  for (const [old, now] of Object.entries(renamedVariables)) {
    if (old === now) delete renamedVariables[old];
  }
  writeRenamedVariables(root, renamedVariables);
  const pair: PairNames = next;
  writeFileSync(join(root, PAIR_FILE), `${JSON.stringify(pair, null, 2)}\n`);

  const dotEnv: string[] = [];
  const dotEnvFile = join(root, '.env');
  if (existsSync(dotEnvFile)) {
    const lines = readFileSync(dotEnvFile, 'utf8').split('\n');
    const renamed = lines.map((line) => {
      const name = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
      if (!name || !variables[name]) return line;
      dotEnv.push(`${name} → ${variables[name]}`);
      return line.replace(name, variables[name]);
    });
    writeFileSync(dotEnvFile, renamed.join('\n'));
  }

  // Names of another length move line breaks: the project's own formatter puts them back.
  const touched = [...new Set([...changed, ...paths.map(([, moved]) => moved)])];
  const prettier = join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
  if (touched.length > 0 && existsSync(prettier)) {
    execFileSync(
      process.execPath,
      [
        prettier,
        '--write',
        '--ignore-unknown',
        '--log-level',
        'warn',
        ...touched.map((file) => rename(file)),
      ],
      { cwd: root, stdio: 'inherit' },
    );
  }

  const build = join(root, 'dist');
  const removedBuild = existsSync(build);
  rmSync(build, { recursive: true, force: true });

  return {
    spellings: Object.fromEntries(map),
    files: changed.length,
    replacements,
    paths,
    variables,
    dotEnv,
    removedBuild,
  };
}

function writeRenamedVariables(root: string, renamed: Record<string, string>): void {
  const file = join(root, RENAMED_VARIABLES_FILE);
  const text = readFileSync(file, 'utf8');
  const entries = Object.entries(renamed).map(([old, now]) => `  ${old}: '${now}',\n`);
  const literal = entries.length > 0 ? `{\n${entries.join('')}}` : '{}';
  writeFileSync(file, text.replace(/= \{[\s\S]*\};/, `= ${literal};`));
}
