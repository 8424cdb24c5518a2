// @app/auth/testing: helpers for tests of both halves and of the apps, never loaded by apps at
// run time. Real servers (a token endpoint, a JWKS endpoint) rather than mocks.
export { TestClock } from './test-clock.js';
export { waitUntil } from './wait-until.js';
export {
  keycloakTokenErrors,
  startFakeTokenEndpoint,
  tokenReply,
  type FakeTokenEndpoint,
  type FakeTokenReply,
} from './fake-token-endpoint.js';
export { createTestSigningKey, type TestSigningKey } from './test-signing-key.js';
export { compactJws, keycloakHeader, KeycloakTokenSigner } from './keycloak-token-signer.js';
export { JwksTestServer } from './jwks-test-server.js';
export { probe, type ProbeResponse } from './http-probe.js';
export {
  keycloakAuthImport,
  startKeycloakAuthTestApp,
  type Registration,
  type TestAdapter,
} from './keycloak-auth-test-app.js';
