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
  // Keycloak accepts the rotated secret only with its creation time set and until its expiry.
  const rotatedValid =
    !!attributes['client.secret.rotated'] &&
    !!attributes['client.secret.rotated.creation.time'] &&
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

/** A failed check of Keycloak's JWT client validator: 400 `invalid_client`, its own words. */
const jwtFailure = (reason: string) => new OAuthError(400, 'invalid_client', reason);

/** An exception inside Keycloak's JWT authenticator: its message behind a fixed prefix. */
const jwtException = (message: string) =>
  jwtFailure(`Client authentication with signed JWT failed: ${message}`);

const invalidCredentials = () => new OAuthError(401, 'invalid_client', INVALID_CLIENT_CREDENTIALS);

interface ParsedAssertion {
  header: { alg?: unknown };
  payload: JWTPayload;
}

/** Reads a compact JWS without verifying it, as Keycloak's `JWSInput` does; undefined if not one. */
function parseAssertion(assertion: string): ParsedAssertion | undefined {
  const parts = assertion.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as unknown;
    const payload = decodeJwt(assertion);
    return header !== null && typeof header === 'object' ? { header: header, payload } : undefined;
  } catch {
    return undefined;
  }
}

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

/**
 * `validateTokenActive` of Keycloak's validator: `exp` required and not passed (15 s skew), `nbf`
 * reached, `iat` not in the future; the assertion may be used up to
 * `token.endpoint.auth.signing.max.exp` (default 60) seconds after `iat` (or, without `iat`,
 * expire within that time); `jti` required and used once.
 */
function checkAssertionTimes(client: Client, payload: JWTPayload, request: EndpointRequest): void {
  const { now } = request;
  const skew = ASSERTION_SKEW_SECONDS;
  const maxExp = Number(client.attributes['token.endpoint.auth.signing.max.exp'] ?? 60);
  if (typeof payload.exp !== 'number') throw jwtFailure('Token exp claim is required');
  if (now > payload.exp + skew || (payload.nbf ?? 0) > now + skew) {
    throw jwtFailure('Token is not active');
  }
  let lifespan = payload.exp - now;
  if (typeof payload.iat !== 'number') {
    if (lifespan > maxExp) {
      throw jwtFailure(
        'Token expiration is too far in the future and iat claim not present in token',
      );
    }
  } else {
    if (payload.iat - skew > now) throw jwtFailure('Token was issued in the future');
    lifespan = Math.min(lifespan, maxExp);
    if (lifespan <= 0) throw jwtFailure('Token is not active');
    if (now > payload.iat + maxExp) {
      throw jwtFailure('Token was issued too far in the past to be used now');
    }
  }
  if (!payload.jti) throw jwtFailure('Token jti claim is required');
  const used = request.runtime.usedAssertions;
  pruneExpired(used, now);
  const key = `${client.clientId} ${payload.jti}`;
  if (used.has(key)) throw jwtFailure('Token reuse detected');
  used.set(key, now + lifespan);
}

/** Keycloak's `JWTClientAuthenticator` / `JWTClientValidator`, check by check, in its order. */
async function authenticateWithJwt(client: Client, request: EndpointRequest): Promise<void> {
  const { form } = request;
  const assertion = form.get('client_assertion');
  const parsed = assertion === null ? undefined : parseAssertion(assertion);
  if (assertion !== null && !parsed) {
    throw jwtException('java.lang.IllegalArgumentException: Parsing error');
  }
  const assertionType = form.get('client_assertion_type');
  if (assertionType === null) throw jwtFailure('Parameter client_assertion_type is missing');
  if (assertionType !== JWT_BEARER_ASSERTION) {
    throw jwtFailure(
      `Parameter client_assertion_type has value '${assertionType}' but expected is '${JWT_BEARER_ASSERTION}'`,
    );
  }
  if (!assertion || !parsed) throw jwtFailure('client_assertion parameter missing');
  const { header, payload } = parsed;
  if (typeof payload.sub !== 'string') throw invalidCredentials();
  const clientIdParameter = form.get('client_id');
  if (clientIdParameter !== null && clientIdParameter !== payload.sub) {
    throw jwtFailure('client_id parameter does not match sub claim');
  }
  if (payload.iss !== client.clientId) throw invalidCredentials();
  const expected = client.attributes['token.endpoint.auth.signing.alg'];
  if (
    typeof header.alg !== 'string' ||
    (expected ? header.alg !== expected : !ASYMMETRIC_ALGORITHMS.includes(header.alg))
  ) {
    throw jwtFailure('Invalid signature algorithm');
  }
  const keySet = keySetFor(client, request);
  try {
    await compactVerify(assertion, keySet, { algorithms: [header.alg] });
  } catch {
    throw jwtException('Signature on JWT token failed validation');
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const allowed = validAudiences(request);
  if (!audiences.some((audience) => typeof audience === 'string' && allowed.includes(audience))) {
    throw jwtFailure('Invalid token audience');
  }
  if (audiences.length > 1) throw jwtFailure('Multiple audiences not allowed');
  checkAssertionTimes(client, payload, request);
}

/**
 * Client authentication as Keycloak's `ClientAuthenticationFlow` does it (facts §2, §2.1, and
 * the conformance suite): the client is the one HTTP Basic or `client_id` names, else the `sub`
 * of a `jwt-bearer` assertion. Public clients pass with their id; bearer-only clients never
 * authenticate; confidential ones with the method their `clientAuthenticatorType` names. Throws
 * the exact OAuth error Keycloak answers.
 */
export async function authenticateClient(request: EndpointRequest): Promise<Client> {
  const named =
    parseBasicCredentials(request.authorization)?.clientId ??
    request.form.get('client_id') ??
    undefined;
  const assertionSubject =
    request.form.get('client_assertion_type') === JWT_BEARER_ASSERTION
      ? claimedAssertionSubject(request.form.get('client_assertion'))
      : undefined;
  const clientId = named ?? assertionSubject;
  const client = clientId === undefined ? undefined : request.runtime.realm.clients.get(clientId);
  if (!client || !client.enabled) throw invalidCredentials();
  if (client.publicClient) return client;
  if (client.bearerOnly) {
    throw new OAuthError(401, 'unauthorized_client', INVALID_CLIENT_CREDENTIALS);
  }
  switch (client.authenticatorType) {
    case 'client-secret':
      // An assertion that names a client of another authentication method proves nothing.
      if (named === undefined) throw invalidCredentials();
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
