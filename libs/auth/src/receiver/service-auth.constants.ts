/** Route metadata: the AccessPolicy set by @ServiceAuth, @UserAuth or @Public. */
export const ACCESS_POLICY = Symbol('ServiceAuth.accessPolicy');

/** Provider token of the validated ResolvedServiceAuthOptions. */
export const RESOLVED_SERVICE_AUTH_OPTIONS = Symbol('ServiceAuth.resolvedOptions');

/** Name under which the Passport strategy registers itself. */
export const SERVICE_AUTH_STRATEGY = 'keycloak-service-auth';
