import { randomBytes } from 'node:crypto';
import { authenticateClient } from './client-authentication.js';
import { constantTimeEqual } from './constant-time-equal.js';
import { signKeycloakJwt } from './keycloak-jws.js';
import { OAuthError } from './oauth-error.js';
import type { Client, ClientScope, User } from './realm-model.js';
import type { EndpointRequest } from './realm-runtime.js';
import { checkSsl } from './ssl-required.js';
import {
  accessTokenClaims,
  bearerType,
  type GrantKind,
  idTokenClaims,
  scopeString,
  type TokenContext,
} from './token-claims.js';

/** Grants this server issues tokens for. */
const SUPPORTED_GRANTS = ['client_credentials', 'password'] as const;

/** `AccessTokenResponse` members in Keycloak's declared order (facts §1.1). */
export interface TokenResponseBody {
  access_token: string;
  expires_in: number;
  refresh_expires_in: number;
  refresh_token?: string;
  token_type: string;
  id_token?: string;
  'not-before-policy': number;
  session_state?: string;
  scope: string;
}

/** Form parameters that appear more than once (Keycloak: 400 "duplicated parameter"). */
function hasDuplicatedParameter(form: URLSearchParams): boolean {
  const names = [...form.keys()];
  return new Set(names).size !== names.length;
}

/** Default scopes plus the requested optional ones; `invalid_scope` for anything else (facts §2). */
function resolveScopes(
  client: Client,
  requested: string | null,
): { scopes: ClientScope[]; openid: boolean } {
  const names = (requested ?? '').split(' ').filter(Boolean);
  const scopes = [...client.defaultScopes];
  let openid = false;
  for (const name of names) {
    if (name === 'openid') {
      openid = true;
      continue;
    }
    if (client.defaultScopes.some((scope) => scope.name === name)) continue;
    const optional = client.optionalScopes.find((scope) => scope.name === name);
    if (!optional) throw new OAuthError(400, 'invalid_scope', `Invalid scopes: ${requested}`);
    if (!scopes.includes(optional)) scopes.push(optional);
  }
  return { scopes, openid };
}

function serviceAccountUser(request: EndpointRequest, client: Client): User {
  if (client.publicClient) {
    throw new OAuthError(
      401,
      'unauthorized_client',
      'Public client not allowed to retrieve service account',
    );
  }
  if (!client.serviceAccountsEnabled) {
    throw new OAuthError(
      401,
      'unauthorized_client',
      'Client not enabled to retrieve service account',
    );
  }
  const user = request.runtime.realm.serviceAccounts.get(client.clientId);
  if (!user) {
    throw new OAuthError(
      401,
      'invalid_request',
      'The associated service account for the client does not exist',
    );
  }
  if (!user.enabled)
    throw new OAuthError(401, 'invalid_request', `User '${user.username}' disabled`);
  return user;
}

function passwordUser(request: EndpointRequest): User {
  const { realm } = request.runtime;
  const given = request.form.get('username');
  if (given === null) throw new OAuthError(401, 'invalid_request', 'Missing parameter: username');
  const username = given.toLowerCase();
  const password = request.form.get('password');
  const user = realm.users.find(
    (candidate) =>
      candidate.username === username ||
      (realm.loginWithEmailAllowed && candidate.email === username),
  );
  // Direct grant flow as Keycloak 26.6 runs it (measured): the password first, so a wrong
  // password never tells whether the account exists or is disabled; then enabled; then
  // required actions.
  const invalid = new OAuthError(400, 'invalid_grant', 'Invalid user credentials');
  if (!user || password === null || !constantTimeEqual(password, user.password)) throw invalid;
  if (!user.enabled) throw new OAuthError(400, 'invalid_grant', 'Account disabled');
  if (user.needsSetup) throw new OAuthError(400, 'invalid_grant', 'Account is not fully set up');
  return user;
}

function issue(
  request: EndpointRequest,
  client: Client,
  user: User,
  grant: GrantKind,
  { scopes, openid }: { scopes: ClientScope[]; openid: boolean },
): TokenResponseBody {
  // Keycloak 26.6 session ids: 18 random bytes, base64url (24 characters).
  const session =
    grant === 'client_credentials' ? undefined : { id: randomBytes(18).toString('base64url') };
  const context: TokenContext = {
    realm: request.runtime.realm,
    issuer: request.issuer,
    client,
    user,
    grant,
    scopes,
    openid,
    session,
    clientAddress: request.clientAddress,
    now: request.now,
  };
  const { keys, realm } = request.runtime;
  const claims = accessTokenClaims(context);
  const accessToken = signKeycloakJwt(
    claims,
    keys.activeSigningKey,
    client.attributes['access.token.header.type.rfc9068'] === 'true' ? 'at+jwt' : 'JWT',
  );
  const exp = claims.exp as number;
  const idToken = openid
    ? signKeycloakJwt(idTokenClaims(context, accessToken, exp), keys.activeSigningKey)
    : undefined;
  return {
    access_token: accessToken,
    expires_in: exp - request.now,
    refresh_expires_in: 0,
    token_type: bearerType(client),
    id_token: idToken,
    'not-before-policy': realm.notBefore,
    session_state: session?.id,
    scope: scopeString(context),
  };
}

/**
 * `POST …/protocol/openid-connect/token` with Keycloak's order of checks (facts §2): HTTPS
 * required, realm enabled, `grant_type`, client authentication (bearer-only clients fail it),
 * duplicated parameters, then the grant's own checks.
 */
export async function handleTokenRequest(request: EndpointRequest): Promise<TokenResponseBody> {
  checkSsl(request.runtime.realm.sslRequired, request.clientAddress);
  if (!request.runtime.realm.enabled)
    throw new OAuthError(403, 'access_denied', 'Realm not enabled');
  const grantType = request.form.get('grant_type');
  if (grantType === null) {
    throw new OAuthError(400, 'invalid_request', 'Missing form parameter: grant_type');
  }
  if (!(SUPPORTED_GRANTS as readonly string[]).includes(grantType)) {
    throw new OAuthError(400, 'unsupported_grant_type', 'Unsupported grant_type');
  }
  const client = await authenticateClient(request);
  if (hasDuplicatedParameter(request.form)) {
    throw new OAuthError(400, 'invalid_request', 'duplicated parameter');
  }
  const requestedScope = request.form.get('scope');
  if (grantType === 'client_credentials') {
    const user = serviceAccountUser(request, client);
    return issue(
      request,
      client,
      user,
      'client_credentials',
      resolveScopes(client, requestedScope),
    );
  }
  if (!client.directAccessGrantsEnabled) {
    throw new OAuthError(400, 'unauthorized_client', 'Client not allowed for direct access grants');
  }
  const scopes = resolveScopes(client, requestedScope);
  return issue(request, client, passwordUser(request), 'password', scopes);
}
