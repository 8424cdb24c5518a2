// @app/auth/receiver: authenticates requests with Keycloak access tokens (service accounts and
// people) and authorizes routes. A deliberately small surface (ADR 0017); copy `receiver/` and
// `shared/` to use it elsewhere.
export { KeycloakAuthModule } from './keycloak-auth.module.js';
export { KeycloakAuthGuard, type AuthenticatingRequest } from './keycloak-auth.guard.js';
export { KeycloakAuthHealthIndicator } from './keycloak-auth.health.js';
export { KeycloakAuthEvents, type KeycloakAuthEvent } from './keycloak-auth.events.js';
export type { KeycloakAuthOptions } from './keycloak-auth.options.js';
export { ServiceAuth, type ServiceAuthRequirements } from './service-auth.decorator.js';
export { UserAuth, type UserAuthRequirements } from './user-auth.decorator.js';
export { Public } from './public.decorator.js';
export { AuthPrincipal } from './auth-principal.decorator.js';
export type { AuthenticatedPrincipal } from './authenticated-principal.js';
export type { AccessPolicy } from './access-policy.js';
export {
  KeycloakAuthConfigError,
  KeycloakAuthError,
  type KeycloakAuthErrorCode,
} from './keycloak-auth.errors.js';
export type { Clock } from '../shared/clock.js';
