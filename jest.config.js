// One Jest configuration for the whole monorepo: unit and module specs beside the code,
// conformance specs of the local Keycloak-compatible server, and the system suite in test/e2e.
/** @type {import('jest').Config} */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/keycloak', '<rootDir>/test'],
  testRegex: '\\.(spec|e2e-spec)\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Our TypeScript becomes CommonJS; ESM-only packages (NestJS 12, jose, ...) load as real ES
  // modules through Jest's require(esm) (Node 24.9+, `--experimental-vm-modules`).
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    // Relative imports carry the `.js` of ESM (`./x.js` is the source `./x.ts`).
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^@app/auth(|/.*)$': '<rootDir>/libs/auth/src$1',
    '^@app/common(|/.*)$': '<rootDir>/libs/common/src$1',
    '^@app/store(|/.*)$': '<rootDir>/libs/store/src$1',
    '^@app/keycloak-local$': '<rootDir>/keycloak/local-server/src',
  },
  setupFiles: ['reflect-metadata'],
  // One throwaway PostgreSQL cluster for the run (TEST_POSTGRES_URL), stopped at the end.
  globalSetup: '<rootDir>/test/support/postgres.global-setup.ts',
  globalTeardown: '<rootDir>/test/support/postgres.global-teardown.ts',
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  testTimeout: 20000,
};
