// `npm run test:compose`: the compose suite alone (test/compose-suite/*.compose-spec.ts), which
// needs a Docker engine with compose v2 and drives docker-compose.yml's stack from the host.
module.exports = require('./jest.standalone.js')({
  displayName: 'compose',
  root: 'test/compose-suite',
  testRegex: '\\.compose-spec\\.ts$',
  // One stack, one file, tests in order: nothing runs in parallel.
  maxWorkers: 1,
  testTimeout: 180_000,
  countsFile: '.ci/last-compose-counts',
});
