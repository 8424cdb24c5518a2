import { SetMetadata } from '@nestjs/common';
import { checkNameList, type AccessPolicy } from './access-policy.js';
import { ACCESS_POLICY } from './keycloak-auth.constants.js';

export interface ServiceAuthRequirements {
  /** Allowed callers: client ids compared with `azp`. Omitted: any service account. */
  clients?: string[];
  /** Roles that must all be held: client roles of the audience, or `realm:<name>` for realm roles. */
  roles?: string[];
}

/**
 * The route accepts only a Keycloak service-account token (client credentials): `client_id`
 * equal to `azp` and username `service-account-<clientId>`, from one of `clients` when given,
 * holding every role in `roles`. On a class, applies to every route without its own declaration.
 *
 * @example @ServiceAuth({ clients: ['shop-api'], roles: ['notifications:send'] })
 */
export const ServiceAuth = (requirements: ServiceAuthRequirements = {}) => {
  const clients = checkNameList('@ServiceAuth', 'clients', requirements.clients);
  const roles = checkNameList('@ServiceAuth', 'roles', requirements.roles);
  const policy: AccessPolicy = Object.freeze({
    kind: 'service',
    ...(clients && { clients }),
    ...(roles && { roles }),
  });
  return SetMetadata(ACCESS_POLICY, policy);
};
