export * from './jwks-test-server.js';
export * from './keycloak-token-signer.js';
export * from './manual-clock.js';
export * from './test-signing-key.js';
export * from './service-auth-test-app.js';
export * from './http-probe.js';
