import {
  compactVerify,
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import { constantTimeEqual } from './constant-time-equal.js';
import { INVALID_CLIENT_CREDENTIALS, OAuthError } from './oauth-error.js';
import type { Client } from './realm-model.js';
import { type EndpointRequest, pruneExpired } from './realm-runtime.js';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Keycloak 26.6 allows 15 s of clock skew on client assertions (facts §0). */
const ASSERTION_SKEW_SECONDS = 15;

function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** HTTP Basic client credentials, form-url-decoded per RFC 6749 §2.3.1 (facts §2.1). */
export function parseBasicCredentials(
  authorization: string | undefined,
): { clientId: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return {
    clientId: formDecode(decoded.slice(0, colon)),
    secret: formDecode(decoded.slice(colon + 1)),
  };
}

function claimedAssertionSubject(assertion: string | null): string | undefined {
  if (!assertion) return undefined;
  try {
    const { sub } = decodeJwt(assertion);
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}

/** The client id a request claims (Basic, then `client_id`, then the assertion's `sub`). */
export function claimedClientId(
  request: Pick<EndpointRequest, 'form' | 'authorization'>,
): string | undefined {
  return (
    parseBasicCredentials(request.authorization)?.clientId ??
    request.form.get('client_id') ??
    claimedAssertionSubject(request.form.get('client_assertion'))
  );
}

function authenticateWithSecret(client: Client, request: EndpointRequest): void {
  const secret =
    parseBasicCredentials(request.authorization)?.secret ?? request.form.get('client_secret');
  const { attributes } = client;
  const expiresAt = Number(attributes['client.secret.expiration.time'] ?? 0);
  const currentValid =
    !(expiresAt > 0 && expiresAt < request.now) && constantTimeEqual(secret ?? '', client.secret);
  const rotatedExpiresAt = Number(attributes['client.secret.rotated.expiration.time'] ?? 0);
  const rotatedValid =
    attributes['client.secret.rotated'] !== undefined &&
    rotatedExpiresAt >= request.now &&
    constantTimeEqual(secret ?? '', attributes['client.secret.rotated']);
  if (secret === null || !(currentValid || rotatedValid)) {
    throw new OAuthError(401, 'unauthorized_client', INVALID_CLIENT_CREDENTIALS);
  }
}

const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

const jwtFailure = (reason: string) =>
  new OAuthError(400, 'invalid_client', `Client authentication with signed JWT failed: ${reason}`);

function keySetFor(client: Client, request: EndpointRequest) {
  const { attributes } = client;
  if (attributes['use.jwks.string'] === 'true' && attributes['jwks.string']) {
    try {
      return createLocalJWKSet(JSON.parse(attributes['jwks.string']) as JSONWebKeySet);
    } catch {
      throw jwtFailure('Unable to load public key');
    }
  }
  if (attributes['use.jwks.url'] === 'true' && attributes['jwks.url']) {
    const cache = request.runtime.remoteKeySets;
    const existing = cache.get(client.clientId);
    if (existing) return existing;
    const created = createRemoteJWKSet(new URL(attributes['jwks.url']));
    cache.set(client.clientId, created);
    return created;
  }
  throw jwtFailure('Unable to load public key');
}

function validAudiences(request: EndpointRequest): string[] {
  const endpoints = (base: string) => [
    base,
    `${base}/protocol/openid-connect/token`,
    `${base}/protocol/openid-connect/token/introspect`,
    `${base}/protocol/openid-connect/revoke`,
  ];
  return [...endpoints(request.issuer), ...endpoints(request.realmUrl)];
}

function checkAssertionClaims(client: Client, payload: JWTPayload, request: EndpointRequest): void {
  const { now } = request;
  if (payload.iss !== client.clientId) throw jwtFailure('Issuer mismatch');
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const allowed = validAudiences(request);
  if (!audiences.some((audience) => typeof audience === 'string' && allowed.includes(audience))) {
    throw jwtFailure('Invalid token audience');
  }
  if (typeof payload.exp !== 'number') throw jwtFailure('Token exp claim is required');
  if (payload.exp < now) throw jwtFailure('Token is not active');
  if (
    (payload.nbf ?? 0) > now + ASSERTION_SKEW_SECONDS ||
    (payload.iat ?? 0) > now + ASSERTION_SKEW_SECONDS
  ) {
    throw jwtFailure('Token is not active');
  }
  const maxExp = Number(client.attributes['token.endpoint.auth.signing.max.exp'] ?? 60);
  if (payload.exp - (payload.iat ?? now) > maxExp) {
    throw jwtFailure('Token exp claim is too far from the token issue time');
  }
  if (!payload.jti) throw jwtFailure('Missing ID on the token');
  const used = request.runtime.usedAssertions;
  pruneExpired(used, now);
  const key = `${client.clientId} ${payload.jti}`;
  if (used.has(key)) throw jwtFailure('Token reuse detected');
  used.set(key, payload.exp);
}

async function authenticateWithJwt(client: Client, request: EndpointRequest): Promise<void> {
  const { form } = request;
  const assertionType = form.get('client_assertion_type');
  if (assertionType === null) {
    throw new OAuthError(400, 'invalid_client', 'Parameter client_assertion_type is missing');
  }
  if (assertionType !== JWT_BEARER_ASSERTION) {
    throw new OAuthError(
      400,
      'invalid_client',
      `Parameter client_assertion_type has value '${assertionType}' but expected is '${JWT_BEARER_ASSERTION}'`,
    );
  }
  const assertion = form.get('client_assertion');
  if (!assertion) throw new OAuthError(400, 'invalid_client', 'client_assertion parameter missing');
  const subject = claimedAssertionSubject(assertion);
  if (!subject) throw jwtFailure("Can't identify client. Subject missing on JWT token");
  if (subject !== client.clientId) {
    throw jwtFailure('client_id parameter not matching with client from JWT');
  }
  const algorithm = client.attributes['token.endpoint.auth.signing.alg'];
  const keySet = keySetFor(client, request);
  let payload: JWTPayload;
  try {
    const verified = await compactVerify(assertion, keySet, {
      algorithms: algorithm ? [algorithm] : ASYMMETRIC_ALGORITHMS,
    });
    payload = JSON.parse(new TextDecoder().decode(verified.payload)) as JWTPayload;
  } catch {
    throw jwtFailure('Signature on JWT token failed validation');
  }
  checkAssertionClaims(client, payload, request);
}

/**
 * Client authentication as Keycloak's `ClientAuthenticationFlow` does it (facts §2, §2.1):
 * public clients pass with their id, confidential ones with the method their
 * `clientAuthenticatorType` names. Throws the exact OAuth error Keycloak answers.
 */
export async function authenticateClient(request: EndpointRequest): Promise<Client> {
  const clientId = claimedClientId(request);
  const client = clientId === undefined ? undefined : request.runtime.realm.clients.get(clientId);
  if (!client || !client.enabled) {
    throw new OAuthError(401, 'invalid_client', INVALID_CLIENT_CREDENTIALS);
  }
  if (client.publicClient) return client;
  switch (client.authenticatorType) {
    case 'client-secret':
      authenticateWithSecret(client, request);
      return client;
    case 'client-jwt':
      await authenticateWithJwt(client, request);
      return client;
    default:
      throw new OAuthError(
        400,
        'unauthorized_client',
        'Unexpected error when authenticating client',
      );
  }
}
