// `npm run test:consumer-apps`: libs/auth copied into fresh `nest new` apps (ESM and CommonJS)
// outside this repository by docs/adapting.md's marked commands, built and run against the
// local Keycloak-compatible server (test/consumer-apps). Needs the npm registry.
module.exports = require('./jest.standalone.js')({
  displayName: 'consumer-apps',
  root: 'test/consumer-apps',
  testRegex: '\\.consumer-spec\\.ts$',
  // One app of each kind, side by side.
  maxWorkers: 2,
  testTimeout: 300_000,
  countsFile: '.ci/last-consumer-counts',
});
