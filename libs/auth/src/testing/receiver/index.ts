export * from './jwks-test-server';
export * from './keycloak-token-signer';
export * from './manual-clock';
export * from './test-signing-key';
export * from './service-auth-test-app';
export * from './http-probe';
