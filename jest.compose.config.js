// `npm run test:compose`: the compose suite alone (test/compose-suite/*.compose-spec.ts), which
// needs a Docker engine with compose v2 and drives docker-compose.yml's stack from the host. Its
// counts go to .ci/last-compose-counts, so .ci/run can add them to `npm test`'s.
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
  displayName: 'compose',
  roots: ['<rootDir>/test/compose-suite'],
  testRegex: '\\.compose-spec\\.ts$',
  // One stack, one file, tests in order: nothing runs in parallel.
  maxWorkers: 1,
  testTimeout: 180_000,
  reporters: [
    'default',
    ['<rootDir>/test/summary-reporter.js', { countsFile: '.ci/last-compose-counts' }],
  ],
};
