// The receiver half: validates incoming Keycloak access tokens and authorizes routes.
export { authorize, holdsRole, REALM_ROLE_PREFIX, type AccessPolicy } from './access-policy.js';
export * from './auth-principal.decorator.js';
export * from './authenticated-principal.js';
export * from './claim-policy.js';
export * from './jwks-key-provider.js';
export * from './public.decorator.js';
export * from './service-auth.decorator.js';
export * from './service-auth.errors.js';
export * from './service-auth.events.js';
export * from './service-auth.guard.js';
export * from './service-auth.health.js';
export * from './service-auth.module.js';
export * from './service-auth.options.js';
export * from './user-auth.decorator.js';
export * from './verified-token-cache.js';
