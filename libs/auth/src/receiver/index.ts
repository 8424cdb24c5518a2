// The receiver half: validates incoming Keycloak access tokens and authorizes routes.
export { authorize, holdsRole, REALM_ROLE_PREFIX, type AccessPolicy } from './access-policy';
export * from './auth-principal.decorator';
export * from './authenticated-principal';
export * from './claim-policy';
export * from './jwks-key-provider';
export * from './public.decorator';
export * from './service-auth.decorator';
export * from './service-auth.errors';
export * from './service-auth.events';
export * from './service-auth.guard';
export * from './service-auth.health';
export * from './service-auth.module';
export * from './service-auth.options';
export * from './user-auth.decorator';
export * from './verified-token-cache';
