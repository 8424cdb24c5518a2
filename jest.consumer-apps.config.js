// `npm run test:consumer-apps`: libs/auth copied into fresh `nest new` apps (ESM and CommonJS)
// outside this repository by docs/adapting.md's marked commands, built and run against the
// local Keycloak-compatible server (test/consumer-apps). Needs the npm registry. Its counts go
// to .ci/last-consumer-counts, so .ci/run can add them to `npm test`'s.
const { projects, ...base } = require('./jest.config.js');
// The node project's transform and module mapping, without its PostgreSQL global setup.
const {
  globalSetup: _setup,
  globalTeardown: _teardown,
  ...node
} = projects.find((project) => project.displayName === 'node');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  ...node,
  displayName: 'consumer-apps',
  roots: ['<rootDir>/test/consumer-apps'],
  testRegex: '\\.consumer-spec\\.ts$',
  // One app of each kind, side by side.
  maxWorkers: 2,
  testTimeout: 300_000,
  reporters: [
    'default',
    ['<rootDir>/test/summary-reporter.js', { countsFile: '.ci/last-consumer-counts' }],
  ],
};
