import { authenticateClient } from './client-authentication.js';
import { OAuthError } from './oauth-error.js';
import type { EndpointRequest } from './realm-runtime.js';
import { checkSsl } from './ssl-required.js';
import { activeAccessTokenClaims } from './token-verification.js';

/**
 * `POST …/protocol/openid-connect/revoke` (facts §8.2): client authentication as at the token
 * endpoint; a token this realm cannot read is 'invalid token' (200 with an error body, as
 * Keycloak 26.6 answers); a valid one may only be revoked by the client it was issued to
 * ("Unmatching clients"). Revoked tokens turn inactive at introspection.
 */
export async function handleRevocation(
  request: EndpointRequest,
): Promise<'revoked' | 'invalid token'> {
  checkSsl(request.runtime.realm.sslRequired, request.clientAddress);
  const client = await authenticateClient(request);
  const names = [...request.form.keys()];
  if (new Set(names).size !== names.length) {
    throw new OAuthError(400, 'invalid_request', 'duplicated parameter');
  }
  const token = request.form.get('token');
  if (token === null) throw new OAuthError(400, 'invalid_request', 'Token not provided');
  const claims = activeAccessTokenClaims(request.runtime, token, request.issuer, request.now);
  if (!claims) return 'invalid token';
  if (claims.azp !== client.clientId)
    throw new OAuthError(400, 'invalid_request', 'Unmatching clients');
  if (typeof claims.jti === 'string' && typeof claims.exp === 'number') {
    request.runtime.revokedTokens.set(claims.jti, claims.exp);
  }
  return 'revoked';
}
