import type { AuthenticatedPrincipal } from './authenticated-principal.js';
import { InsufficientScopeError } from './keycloak-auth.errors.js';

/** Prefix that names a realm role in `roles`; any other name is a client role of the audience. */
export const REALM_ROLE_PREFIX = 'realm:';

/** What a route accepts, as declared by @ServiceAuth, @UserAuth or @Public. */
export type AccessPolicy =
  | {
      readonly kind: 'service';
      readonly clients?: readonly string[];
      readonly roles?: readonly string[];
    }
  | { readonly kind: 'user'; readonly roles?: readonly string[] }
  | { readonly kind: 'public' };

/** True when the principal holds the role: `realm:x` is realm role x, anything else a client role. */
export function holdsRole(principal: AuthenticatedPrincipal, role: string): boolean {
  return role.startsWith(REALM_ROLE_PREFIX)
    ? principal.realmRoles.includes(role.slice(REALM_ROLE_PREFIX.length))
    : principal.roles.includes(role);
}

/**
 * Throws InsufficientScopeError unless the principal satisfies the policy: the right kind of
 * token, a caller (`azp`) among `clients` when given, and every role in `roles` (exact matches).
 */
export function authorize(principal: AuthenticatedPrincipal, policy: AccessPolicy): void {
  if (policy.kind === 'public') return;
  if (policy.kind !== principal.kind) {
    throw new InsufficientScopeError(
      policy.kind === 'service' ? 'not_service_account' : 'not_user',
    );
  }
  if (policy.kind === 'service' && policy.clients && !policy.clients.includes(principal.caller)) {
    throw new InsufficientScopeError('caller_not_allowed');
  }
  if (policy.roles && !policy.roles.every((role) => holdsRole(principal, role))) {
    throw new InsufficientScopeError('role_missing');
  }
}

/** Checks decorator arguments when the class is defined, so a typo fails at start-up. */
export function checkNameList(
  decorator: string,
  field: string,
  value: unknown,
): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) ||
    value.some((name) => typeof name !== 'string' || name.trim() === '')
  ) {
    throw new TypeError(`${decorator}: ${field} must be an array of non-empty strings`);
  }
  return Object.freeze([...(value as string[])]);
}
