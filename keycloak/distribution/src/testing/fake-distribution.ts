import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from './scratch.js';

/**
 * A directory shaped like an unpacked Keycloak distribution, for specs of the launcher's file
 * handling: `bin/kc.sh` is the given shell script, `lib/quarkus/` holds a build marker. Removed
 * by `removeScratch()`.
 */
export function fakeDistribution(version: string, kcSh = '#!/bin/sh\nexit 0\n'): string {
  const home = join(scratchDir('fake-keycloak-'), `keycloak-${version}`);
  for (const dir of ['bin', 'conf', 'lib/lib', 'lib/app', 'lib/quarkus', 'providers', 'themes']) {
    mkdirSync(join(home, dir), { recursive: true });
  }
  writeFileSync(join(home, 'version.txt'), `Keycloak - Version ${version}\n`);
  writeFileSync(join(home, 'bin', 'kc.sh'), kcSh);
  chmodSync(join(home, 'bin', 'kc.sh'), 0o755);
  writeFileSync(join(home, 'conf', 'keycloak.conf'), '# nothing\n');
  writeFileSync(join(home, 'lib', 'quarkus-run.jar'), 'not a jar');
  writeFileSync(join(home, 'lib', 'quarkus', 'generated-bytecode.jar'), 'prod build');
  return home;
}
