import { verifyKeycloakJwt } from './keycloak-jws.js';
import { pruneExpired, type RealmRuntime } from './realm-runtime.js';

/**
 * Claims of an access token this realm issued that Keycloak would still treat as valid:
 * signature by one of the realm's keys, `typ` Bearer, not expired, issued by the current
 * frontend issuer, not revoked, client and user still enabled. Undefined otherwise.
 */
export function activeAccessTokenClaims(
  runtime: RealmRuntime,
  token: string,
  issuer: string,
  now: number,
): Record<string, unknown> | undefined {
  const claims = verifyKeycloakJwt(token, runtime.keys);
  if (!claims || String(claims.typ).toLowerCase() !== 'bearer' || claims.iss !== issuer) {
    return undefined;
  }
  if (typeof claims.exp !== 'number' || claims.exp < now) return undefined;
  if (typeof claims.iat === 'number' && claims.iat < runtime.realm.notBefore) return undefined;
  pruneExpired(runtime.revokedTokens, now);
  if (typeof claims.jti === 'string' && runtime.revokedTokens.has(claims.jti)) return undefined;
  const client = runtime.realm.clients.get(String(claims.azp));
  if (!client?.enabled) return undefined;
  const user =
    runtime.realm.users.find((candidate) => candidate.id === claims.sub) ??
    runtime.realm.serviceAccounts.get(client.clientId);
  if (user && !user.enabled) return undefined;
  return claims;
}
