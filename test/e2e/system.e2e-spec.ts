// The system suite against the local Keycloak-compatible server (scenarios in system-scenarios.ts).
import { Stack } from '../support/stack.js';
import { systemScenarios } from './system-scenarios.js';

describe('system on the local Keycloak-compatible server', () => {
  systemScenarios({ start: (options) => Stack.start(options), real: false });
});
