// One Jest run for the whole monorepo, in two projects:
// - node: unit and module specs beside the code, conformance specs of the local
//   Keycloak-compatible server, the system, resilience and PostgreSQL suites on the local server;
// - real-keycloak: the system suite and the side-by-side conformance suite against real
//   Keycloak. Its global setup starts Keycloak once per run (from its distribution, or
//   KEYCLOAK_URL's), and only when one of its tests is selected.
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

const common = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Our TypeScript becomes CommonJS; ESM-only packages (NestJS 12, jose, ...) load as real ES
  // modules through Jest's require(esm) (Node 24.9+, `--experimental-vm-modules`).
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    // Relative imports carry the `.js` of ESM (`./x.js` is the source `./x.ts`).
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // The entry points of tsconfig.json's paths, and nothing deeper.
    '^@app/auth/(caller|receiver|metrics|testing)$': '<rootDir>/libs/auth/src/$1/index.ts',
    '^@app/common(|/.*)$': '<rootDir>/libs/common/src$1',
    '^@app/store(|/.*)$': '<rootDir>/libs/store/src$1',
    '^@app/keycloak-local$': '<rootDir>/keycloak/local-server/src',
    '^@app/keycloak-dist$': '<rootDir>/keycloak/distribution/src',
  },
  setupFiles: ['reflect-metadata'],
  // The consumer apps' own specs, run inside those apps (test/consumer-apps), not here.
  testPathIgnorePatterns: ['/node_modules/', '/test/consumer-apps/fixture/'],
};

/** @type {import('jest').Config} */
module.exports = {
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  testTimeout: 20000,
  projects: [
    {
      ...common,
      displayName: 'node',
      roots: [
        '<rootDir>/apps',
        '<rootDir>/libs',
        '<rootDir>/keycloak',
        '<rootDir>/scripts',
        '<rootDir>/test',
      ],
      testRegex: '\\.(spec|e2e-spec)\\.ts$',
      // One throwaway PostgreSQL cluster for the run (TEST_POSTGRES_URL), stopped at the end.
      globalSetup: '<rootDir>/test/support/postgres.global-setup.ts',
      globalTeardown: '<rootDir>/test/support/postgres.global-teardown.ts',
    },
    {
      ...common,
      displayName: 'real-keycloak',
      roots: ['<rootDir>/keycloak', '<rootDir>/test'],
      testRegex: '\\.real-keycloak-spec\\.ts$',
      globalSetup: '<rootDir>/test/real-keycloak/global-setup.ts',
      globalTeardown: '<rootDir>/test/real-keycloak/global-teardown.ts',
    },
  ],
};
