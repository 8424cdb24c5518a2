import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// npm 11 skips a dependency's install script unless package.json's allowScripts allows it, and
// asks about every one not decided yet. Each decision is recorded there and in ADR 0014; a
// dependency change that brings a new install script fails here until someone decides.

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { name?: string; hasInstallScript?: boolean; dev?: boolean }>;
};
const decisions = manifest.allowScripts ?? {};

/** `node_modules/a/node_modules/@b/c` → `@b/c`. */
const nameOf = (path: string) =>
  path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

const withInstallScripts = Object.entries(lock.packages)
  .filter(([path, entry]) => path !== '' && entry.hasInstallScript)
  .map(([path, entry]) => ({ name: entry.name ?? nameOf(path), dev: entry.dev === true }));

describe('install scripts (package.json allowScripts)', () => {
  it('has a decision for every locked package that has an install script', () => {
    expect(withInstallScripts.length).toBeGreaterThan(0);
    expect(withInstallScripts.filter(({ name }) => !(name in decisions))).toEqual([]);
  });

  it('keeps no decision for a package that no longer has one', () => {
    const names = new Set(withInstallScripts.map(({ name }) => name));
    expect(Object.keys(decisions).filter((name) => !names.has(name))).toEqual([]);
  });

  it('denies every one of them: prebuilt optional packages cover this platform', () => {
    expect(Object.entries(decisions).filter(([, allowed]) => allowed !== false)).toEqual([]);
  });

  it('denies the install-time telemetry of @scarf/scarf, a production dependency', () => {
    expect(withInstallScripts).toContainEqual({ name: '@scarf/scarf', dev: false });
    expect(decisions['@scarf/scarf']).toBe(false);
  });
});
