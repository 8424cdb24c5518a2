import { docBlocks, installedPackages, withDocumentedMapper } from './consumer-app.js';

// The fast half of the consumer-app check (npm test): docs/adapting.md has every block the
// check runs, and each install names exact versions. The slow half (npm run test:consumer-apps)
// runs them in fresh apps.
describe("docs/adapting.md's consumer-app blocks", () => {
  const blocks = docBlocks();

  it('has every block the consumer-app check runs', () => {
    expect([...blocks.keys()].sort()).toEqual(
      [
        'build',
        'copy caller',
        'copy receiver',
        'copy testing',
        'install caller',
        'install receiver',
        'jest moduleNameMapper',
        'new cjs',
        'new esm',
        'test',
      ].sort(),
    );
  });

  it('pins the Nest CLI that makes the apps', () => {
    expect(blocks.get('new esm')).toMatch(/^npx @nestjs\/cli@\d+\.\d+\.\d+ new /);
    expect(blocks.get('new cjs')).toMatch(/^npx @nestjs\/cli@\d+\.\d+\.\d+ new .*--type cjs/);
  });

  it('installs exact versions only, the @types packages of the receiver included', () => {
    const receiver = installedPackages(blocks.get('install receiver') ?? '');
    expect(receiver.map((p) => p.name)).toEqual(
      expect.arrayContaining(['@types/passport', '@types/passport-jwt', 'passport-jwt']),
    );
    for (const name of ['install receiver', 'install caller', 'copy testing']) {
      for (const { version } of installedPackages(blocks.get(name) ?? '')) {
        expect(version).toMatch(/^\d+\.\d+\.\d+$/);
      }
    }
  });

  it('refuses an install without an exact version', () => {
    expect(() => installedPackages('npm install --save-exact jose')).toThrow(
      '"jose" in docs/adapting.md has no exact version',
    );
  });

  it('replaces the moduleNameMapper line nest new writes, and refuses a changed template', () => {
    const generated =
      "const config = {\n  moduleNameMapper: pathsToModuleNameMapper(paths, { prefix: '<rootDir>/' }),\n};\n";
    const documented = blocks.get('jest moduleNameMapper') ?? '';
    expect(withDocumentedMapper(generated, documented)).toBe(`const config = {\n${documented}};\n`);
    expect(() => withDocumentedMapper('const config = {};\n', documented)).toThrow(
      /nest new changed its template/,
    );
  });
});
