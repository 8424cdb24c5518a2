// The system suite against real Keycloak: the one the real-keycloak project's global setup
// started from the distribution (compose's options), or KEYCLOAK_URL's. Scenarios in
// system-scenarios.ts; token requests are counted in Keycloak's own event store.
import { useExclusively } from '../real-keycloak/exclusive-use.js';
import {
  realKeycloakSkipReason,
  realKeycloakTarget,
} from '../real-keycloak/real-keycloak-target.js';
import { Stack } from '../support/stack.js';
import { systemScenarios } from './system-scenarios.js';

const target = realKeycloakTarget();

if (target) {
  describe(`system on real Keycloak ${target.version}`, () => {
    let release: () => void;
    beforeAll(async () => {
      release = await useExclusively(target.url);
    });
    afterAll(() => release?.());
    systemScenarios({ start: (options) => Stack.start({ ...options, real: target }), real: true });
  });
} else {
  describe.skip(`system on real Keycloak (skipped: ${realKeycloakSkipReason()})`, () => {
    systemScenarios({ start: (options) => Stack.start(options), real: true });
  });
}
