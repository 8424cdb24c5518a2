/** Route metadata: the AccessPolicy set by @ServiceAuth, @UserAuth or @Public. */
export const ACCESS_POLICY = Symbol('KeycloakAuth.accessPolicy');

/** Provider token of the validated ResolvedKeycloakAuthOptions. */
export const RESOLVED_KEYCLOAK_AUTH_OPTIONS = Symbol('KeycloakAuth.resolvedOptions');

/** Name under which the Passport strategy registers itself, and which `AuthGuard` runs. */
export const KEYCLOAK_STRATEGY = 'keycloak';
