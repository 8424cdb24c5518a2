import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { assertFreshBuild } from './fresh-build.js';

describe('assertFreshBuild', () => {
  let root: string;
  const write = (path: string, secondsAgo: number) => {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '');
    const when = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(file, when, when);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'fresh-build-'));
    write('apps/shop-api/src/main.ts', 60);
    write('libs/auth/src/receiver/index.ts', 60);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('accepts a build newer than every source it is built from', () => {
    write('dist/apps/shop-api/main.js', 10);
    expect(() => assertFreshBuild(root, 'shop-api')).not.toThrow();
  });

  it('ignores specs, which are not built', () => {
    write('dist/apps/shop-api/main.js', 10);
    write('apps/shop-api/src/main.spec.ts', 0);
    write('libs/auth/src/receiver/guard.e2e-spec.ts', 0);
    expect(() => assertFreshBuild(root, 'shop-api')).not.toThrow();
  });

  it("refuses a build older than one of the app's sources, naming both", () => {
    write('dist/apps/shop-api/main.js', 10);
    write('apps/shop-api/src/checkout/checkout.service.ts', 0);
    expect(() => assertFreshBuild(root, 'shop-api')).toThrow(
      'dist/apps/shop-api/main.js is older than apps/shop-api/src/checkout/checkout.service.ts: ' +
        'a stale build; run `npm run build`',
    );
  });

  it('refuses a build older than a library source', () => {
    write('dist/apps/shop-api/main.js', 10);
    write('libs/auth/src/receiver/keycloak-auth.guard.ts', 0);
    expect(() => assertFreshBuild(root, 'shop-api')).toThrow(
      /older than libs\/auth\/src\/receiver\/keycloak-auth\.guard\.ts/,
    );
  });

  it('refuses a build left from an app whose sources are gone (renamed or removed)', () => {
    write('dist/apps/old-name/main.js', 0);
    expect(() => assertFreshBuild(root, 'old-name')).toThrow(
      'dist/apps/old-name/main.js has no sources (apps/old-name/src is missing)',
    );
  });

  it('refuses a missing build', () => {
    expect(() => assertFreshBuild(root, 'shop-api')).toThrow(
      'dist/apps/shop-api/main.js is missing: run `npm run build` first',
    );
  });
});
