import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Specs are not part of a build: changing one does not make the build stale. */
const NOT_BUILT = /\.(spec|e2e-spec|real-keycloak-spec)\.ts$/;

/** The newest TypeScript source under `dir` that a build compiles, or undefined. */
function newestSource(dir: string): { file: string; mtimeMs: number } | undefined {
  let newest: { file: string; mtimeMs: number } | undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || NOT_BUILT.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    const { mtimeMs } = statSync(file);
    if (!newest || mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
  }
  return newest;
}

/**
 * Refuses to run a built app that does not match its sources: `dist/apps/<name>/main.js`
 * missing, left from an app whose sources are gone (a renamed or removed app), or older than any
 * source it is built from (the app's `src/` and every `libs/<lib>/src/`). Throws an error that
 * names both files and the command that fixes it.
 */
export function assertFreshBuild(root: string, name: string): void {
  const main = join(root, 'dist', 'apps', name, 'main.js');
  const sources = join(root, 'apps', name, 'src');
  const shown = (path: string) => relative(root, path);
  if (!existsSync(main)) {
    throw new Error(`${shown(main)} is missing: run \`npm run build\` first`);
  }
  if (!existsSync(sources)) {
    throw new Error(
      `${shown(main)} has no sources (${shown(sources)} is missing): a build left from an app ` +
        'that was renamed or removed; delete dist/ and run `npm run build`',
    );
  }
  const libs = join(root, 'libs');
  const dirs = [
    sources,
    ...(existsSync(libs)
      ? readdirSync(libs)
          .map((lib) => join(libs, lib, 'src'))
          .filter(existsSync)
      : []),
  ];
  const built = statSync(main).mtimeMs;
  for (const dir of dirs) {
    const newest = newestSource(dir);
    if (newest && newest.mtimeMs > built) {
      throw new Error(
        `${shown(main)} is older than ${shown(newest.file)}: a stale build; run \`npm run build\` ` +
          '(npm test and the test:e2e, test:resilience and test:real-keycloak scripts build first)',
      );
    }
  }
}
