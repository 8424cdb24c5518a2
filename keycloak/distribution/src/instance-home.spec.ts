import { existsSync, lstatSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Distribution } from './distribution.js';
import { createInstanceHome, type RealmImport } from './instance-home.js';
import { fakeDistribution } from './testing/fake-distribution.js';
import { keepForRemoval, removeScratch, scratchDir } from './testing/scratch.js';

describe('createInstanceHome: one start of Keycloak, the distribution left untouched', () => {
  const home = fakeDistribution('26.6.4');
  const realm = join(scratchDir('instance-home-realm-'), 'techstore-realm.json');
  writeFileSync(realm, '{"realm":"techstore"}');
  const distribution: Distribution = {
    home,
    version: '26.6.4',
    origin: 'cache',
    buildCache: join(home, '..', 'builds', 'one'),
  };
  /** An instance home, removed with the other scratch folders after the suite. */
  const instanceHome = (imports: RealmImport[]) => {
    const instance = createInstanceHome(distribution, imports);
    keepForRemoval(instance.dir);
    return instance;
  };
  afterAll(removeScratch);

  it('copies kc.sh and the build, links the rest, and imports the realm files', () => {
    const instance = instanceHome([{ source: realm, fileName: 'techstore-realm.json' }]);
    expect(instance.kcSh).toBe(join(instance.dir, 'bin', 'kc.sh'));
    expect(lstatSync(instance.kcSh).isSymbolicLink()).toBe(false);
    expect(lstatSync(join(instance.dir, 'lib', 'quarkus-run.jar')).isSymbolicLink()).toBe(false);
    expect(lstatSync(join(instance.dir, 'lib', 'quarkus')).isDirectory()).toBe(true);
    for (const linked of ['conf', 'themes', 'providers', 'version.txt', 'lib/lib', 'lib/app']) {
      expect(lstatSync(join(instance.dir, linked)).isSymbolicLink()).toBe(true);
    }
    expect(readdirSync(join(instance.dir, 'data'))).toEqual(['import']);
    expect(readFileSync(join(instance.dir, 'data', 'import', 'techstore-realm.json'), 'utf8')).toBe(
      '{"realm":"techstore"}',
    );
    expect(instance.rebuilt()).toBe(false);
  });

  it("keeps a start's own build for the next start, never in the distribution", () => {
    const first = instanceHome([]);
    writeFileSync(join(first.dir, 'lib', 'quarkus', 'generated-bytecode.jar'), 'dev build');
    expect(first.rebuilt()).toBe(true);
    first.saveBuild();
    expect(readFileSync(join(home, 'lib', 'quarkus', 'generated-bytecode.jar'), 'utf8')).toBe(
      'prod build',
    );
    const second = instanceHome([]);
    expect(readFileSync(join(second.dir, 'lib', 'quarkus', 'generated-bytecode.jar'), 'utf8')).toBe(
      'dev build',
    );
    expect(second.rebuilt()).toBe(false);
    expect(existsSync(`${distribution.buildCache}.${process.pid}.tmp`)).toBe(false);
  });
});
