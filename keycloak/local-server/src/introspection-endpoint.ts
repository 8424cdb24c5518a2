import { authenticateClient } from './client-authentication.js';
import { OAuthError } from './oauth-error.js';
import type { EndpointRequest } from './realm-runtime.js';
import { checkSsl } from './ssl-required.js';
import { bearerType, grantOf, introspectionClaims } from './token-claims.js';
import { activeAccessTokenClaims } from './token-verification.js';

const audienceOf = (claims: Record<string, unknown>): unknown[] =>
  Array.isArray(claims.aud) ? claims.aud : [claims.aud];

/**
 * `POST …/token/introspect` (facts §8.1), 26.6.2+ behaviour: a confidential client
 * authenticates; the answer is `{"active":false}` for anything invalid and whenever the
 * introspecting client is not in the token's `aud` (unless that client has
 * `allow.token.introspection.without.audience.check`). An active answer is computed again from
 * the token's client, user and scopes with the mappers' introspection flags, as Keycloak 26.6
 * does (its transient service-account session has lost the caller's notes by then), followed by
 * `client_id`, `username`, `token_type` and `active`.
 */
export async function handleIntrospection(
  request: EndpointRequest,
): Promise<Record<string, unknown>> {
  checkSsl(request.runtime.realm.sslRequired, request.clientAddress);
  let client;
  try {
    client = await authenticateClient(request);
  } catch {
    throw new OAuthError(401, 'invalid_request', 'Authentication failed.');
  }
  if (client.publicClient) throw new OAuthError(403, 'invalid_request', 'Client not allowed.');
  const token = request.form.get('token');
  if (token === null) throw new OAuthError(400, 'invalid_request', 'Token not provided.');
  const claims = activeAccessTokenClaims(request.runtime, token, request.issuer, request.now);
  const audienceCheckWaived =
    client.attributes['allow.token.introspection.without.audience.check'] === 'true';
  if (!claims || (!audienceCheckWaived && !audienceOf(claims).includes(client.clientId))) {
    return { active: false };
  }
  const { realm } = request.runtime;
  const owner = realm.clients.get(String(claims.azp));
  const user =
    realm.users.find((candidate) => candidate.id === claims.sub) ??
    realm.serviceAccounts.get(String(claims.azp));
  if (!owner || !user) return { active: false };
  const granted = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
  const scopes = [
    ...owner.defaultScopes,
    ...owner.optionalScopes.filter((scope) => granted.includes(scope.name)),
  ];
  const recomputed = introspectionClaims(
    {
      realm,
      issuer: request.issuer,
      client: owner,
      user,
      grant: grantOf(claims.jti),
      scopes,
      openid: granted.includes('openid'),
      session: typeof claims.sid === 'string' ? { id: claims.sid } : undefined,
      now: request.now,
    },
    claims,
  );
  // The token's audiences keep their order; audiences only introspection adds come last.
  if (recomputed.aud !== undefined) {
    const now = audienceOf(recomputed);
    const before = audienceOf(claims).filter((audience) => now.includes(audience));
    const merged = [...before, ...now.filter((audience) => !before.includes(audience))];
    recomputed.aud = merged.length === 1 ? merged[0] : merged;
  }
  return {
    ...recomputed,
    client_id: claims.azp,
    username: user.username,
    token_type: bearerType(owner),
    active: true,
  };
}
