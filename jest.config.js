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
  // jose 6 and content-disposition (via @fastify/static) ship ES modules only; swc turns them
  // into CommonJS for Jest's module system.
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', swc] },
  transformIgnorePatterns: ['/node_modules/(?!(jose|content-disposition)/)'],
  moduleNameMapper: {
    '^@app/auth(|/.*)$': '<rootDir>/libs/auth/src$1',
    '^@app/common(|/.*)$': '<rootDir>/libs/common/src$1',
    '^@app/keycloak-local$': '<rootDir>/keycloak/local-server/src',
  },
  setupFiles: ['reflect-metadata'],
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  testTimeout: 20000,
};
