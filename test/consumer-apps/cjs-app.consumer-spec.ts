import { consumerAppSuite } from './consumer-app-suite.js';

// A fresh `nest new --type cjs` app (CommonJS, Jest, @nestjs/observe on) with libs/auth copied
// into it by docs/adapting.md, built and run against the local Keycloak-compatible server.
describe('a cjs app made by nest new, libs/auth copied by docs/adapting.md', () => {
  consumerAppSuite('cjs');
});
