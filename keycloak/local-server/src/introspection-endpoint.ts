import { authenticateClient } from './client-authentication.js';
import { OAuthError } from './oauth-error.js';
import type { EndpointRequest } from './realm-runtime.js';
import { checkSsl } from './ssl-required.js';
import { activeAccessTokenClaims } from './token-verification.js';

const audienceOf = (claims: Record<string, unknown>): unknown[] =>
  Array.isArray(claims.aud) ? claims.aud : [claims.aud];

/**
 * `POST …/token/introspect` (facts §8.1), 26.6.2+ behaviour: a confidential client
 * authenticates; the answer is `{"active":false}` for anything invalid and whenever the
 * introspecting client is not in the token's `aud` (unless that client has
 * `allow.token.introspection.without.audience.check`).
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
  const user =
    realm.users.find((candidate) => candidate.id === claims.sub) ??
    realm.serviceAccounts.get(String(claims.azp));
  return {
    ...claims,
    client_id: claims.azp,
    username: user?.username,
    token_type: 'Bearer',
    active: true,
  };
}
