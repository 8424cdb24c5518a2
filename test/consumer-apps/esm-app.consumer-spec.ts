import { consumerAppSuite } from './consumer-app-suite.js';

// A fresh `nest new` app (ES modules, Vitest, @nestjs/observe on: the default) with libs/auth copied
// into it by docs/adapting.md, built and run against the local Keycloak-compatible server.
describe('a esm app made by nest new, libs/auth copied by docs/adapting.md', () => {
  consumerAppSuite('esm');
});
