import { SetMetadata } from '@nestjs/common';
import { checkNameList, type AccessPolicy } from './access-policy.js';
import { ACCESS_POLICY } from './keycloak-auth.constants.js';

export interface UserAuthRequirements {
  /** Roles that must all be held: client roles of the audience, or `realm:<name>` for realm roles. */
  roles?: string[];
}

/**
 * The route accepts only a person's token (not a service account), holding every role in
 * `roles`. On a class, applies to every route without its own declaration.
 *
 * @example @UserAuth({ roles: ['realm:customer'] })
 */
export const UserAuth = (requirements: UserAuthRequirements = {}) => {
  const roles = checkNameList('@UserAuth', 'roles', requirements.roles);
  const policy: AccessPolicy = Object.freeze({ kind: 'user', ...(roles && { roles }) });
  return SetMetadata(ACCESS_POLICY, policy);
};
