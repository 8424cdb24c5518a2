/** The OpenID Connect endpoints of one Keycloak realm (the paths of Keycloak 17 and later). */
export interface KeycloakEndpoints {
  /** `{base}{authPath}/realms/{realm}` as this service reaches it. */
  realmUrl: string;
  discovery: string;
  token: string;
  certs: string;
  introspection: string;
  revocation: string;
}

/**
 * Endpoints under a realm URL such as `http://keycloak:8080/realms/techstore` (or
 * `http://host/auth/realms/x` with the legacy `/auth` context path). Derive these from the URL
 * this service uses to reach Keycloak, never from the `iss` claim of a token.
 */
export function keycloakEndpoints(realmUrl: string): KeycloakEndpoints {
  const url = new URL(realmUrl);
  if (!/\/realms\/[^/]+$/.test(url.pathname.replace(/\/+$/, ''))) {
    throw new TypeError('realmUrl must end in /realms/<realm>');
  }
  const base = realmUrl.replace(/\/+$/, '');
  const oidc = `${base}/protocol/openid-connect`;
  return {
    realmUrl: base,
    discovery: `${base}/.well-known/openid-configuration`,
    token: `${oidc}/token`,
    certs: `${oidc}/certs`,
    introspection: `${oidc}/token/introspect`,
    revocation: `${oidc}/revoke`,
  };
}
