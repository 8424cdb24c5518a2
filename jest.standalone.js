// A Jest run outside `npm test` (the compose suite, the consumer apps): the node project's
// transform and module mapping, without its PostgreSQL global setup, one folder and file
// pattern of its own, and its counts written to `countsFile`, so .ci/run can add them to
// `npm test`'s.
const { projects, ...base } = require('./jest.config.js');
const {
  globalSetup: _setup,
  globalTeardown: _teardown,
  ...node
} = projects.find((project) => project.displayName === 'node');

/** @returns {import('jest').Config} */
module.exports = function standaloneJestConfig({
  displayName,
  root,
  testRegex,
  maxWorkers,
  testTimeout,
  countsFile,
}) {
  return {
    ...base,
    ...node,
    displayName,
    roots: [`<rootDir>/${root}`],
    testRegex,
    maxWorkers,
    testTimeout,
    reporters: ['default', ['<rootDir>/test/summary-reporter.js', { countsFile }]],
  };
};
