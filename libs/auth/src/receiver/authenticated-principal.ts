/**
 * Who called, as established from a validated Keycloak access token. Frozen: the same object is
 * served from the verified-token cache to every request that presents the same token.
 */
export interface AuthenticatedPrincipal {
  /** `service`: a client's service account (client credentials); `user`: a person's token. */
  readonly kind: 'service' | 'user';
  /** The client that requested the token (`azp`), e.g. `shop-api` or `techstore-web`. */
  readonly caller: string;
  /** `sub`: the Keycloak user id (for a service account, its service-account user). */
  readonly subject: string;
  /** `preferred_username`, e.g. `service-account-shop-api` or `alice`. */
  readonly username?: string;
  /** `email` (user tokens only, in practice). */
  readonly email?: string;
  /** Client roles of the configured audience: `resource_access[audience].roles`. */
  readonly roles: readonly string[];
  /** Realm roles: `realm_access.roles`. */
  readonly realmRoles: readonly string[];
  /** `scope`, split on spaces. */
  readonly scopes: readonly string[];
  /** `jti`. */
  readonly tokenId: string;
  /** `exp`, in seconds since the epoch. */
  readonly expiresAt: number;
}
