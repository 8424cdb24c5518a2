import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Distribution } from './distribution.js';

/** The file whose modification time tells whether Keycloak rebuilt itself during a start. */
const BUILD_MARKER = join('lib', 'quarkus', 'generated-bytecode.jar');

/**
 * One start's Keycloak home: `bin/kc.sh`, `lib/quarkus-run.jar` and `lib/quarkus` (Keycloak's
 * build output) are private copies, `data/` is new and empty but for the realm files in `data/import`, and everything else
 * (the libraries, themes, providers, configuration) links to the unpacked distribution, which
 * stays read-only. kc.sh takes its home from its own location, so Keycloak runs here.
 */
export interface InstanceHome {
  dir: string;
  kcSh: string;
  /** Whether Keycloak rebuilt itself (`start-dev`'s build step) during this start. */
  rebuilt(): boolean;
  /** Keeps this start's build for later starts (atomically; a concurrent reader sees old or new). */
  saveBuild(): void;
}

function linkEntries(from: string, to: string, except: string[]): void {
  for (const entry of readdirSync(from)) {
    if (!except.includes(entry)) symlinkSync(join(from, entry), join(to, entry));
  }
}

/** A realm file to import: its path, and its name in the import directory. */
export interface RealmImport {
  source: string;
  fileName: string;
}

export function createInstanceHome(
  distribution: Distribution,
  imports: RealmImport[],
): InstanceHome {
  const { home, buildCache } = distribution;
  const dir = mkdtempSync(join(tmpdir(), 'keycloak-dist-'));
  linkEntries(home, dir, ['bin', 'lib', 'data']);
  mkdirSync(join(dir, 'bin'));
  linkEntries(join(home, 'bin'), join(dir, 'bin'), ['kc.sh']);
  const kcSh = join(dir, 'bin', 'kc.sh');
  copyFileSync(join(home, 'bin', 'kc.sh'), kcSh);
  chmodSync(kcSh, 0o755);
  mkdirSync(join(dir, 'lib'));
  // The JVM takes the application root from quarkus-run.jar's real path: a copy keeps Keycloak's
  // build output (lib/quarkus) here rather than in the shared distribution.
  linkEntries(join(home, 'lib'), join(dir, 'lib'), ['quarkus', 'quarkus-run.jar']);
  copyFileSync(join(home, 'lib', 'quarkus-run.jar'), join(dir, 'lib', 'quarkus-run.jar'));
  const cachedBuild = existsSync(join(buildCache, 'quarkus'))
    ? join(buildCache, 'quarkus')
    : undefined;
  cpSync(cachedBuild ?? join(home, 'lib', 'quarkus'), join(dir, 'lib', 'quarkus'), {
    recursive: true,
    preserveTimestamps: true,
  });
  const builtAt = statSync(join(dir, BUILD_MARKER)).mtimeMs;
  const importDir = join(dir, 'data', 'import');
  mkdirSync(importDir, { recursive: true });
  for (const { source, fileName } of imports) copyFileSync(source, join(importDir, fileName));
  return {
    dir,
    kcSh,
    rebuilt: () =>
      existsSync(join(dir, BUILD_MARKER)) && statSync(join(dir, BUILD_MARKER)).mtimeMs !== builtAt,
    saveBuild: () => {
      mkdirSync(dirname(buildCache), { recursive: true });
      const staged = `${buildCache}.${process.pid}.tmp`;
      const retired = `${buildCache}.${process.pid}.old`;
      rmSync(staged, { recursive: true, force: true });
      cpSync(join(dir, 'lib', 'quarkus'), join(staged, 'quarkus'), {
        recursive: true,
        preserveTimestamps: true,
      });
      if (existsSync(buildCache)) renameSync(buildCache, retired);
      renameSync(staged, buildCache);
      rmSync(retired, { recursive: true, force: true });
    },
  };
}
