import { CodedError } from '../shared/coded-error.js';

/** Stable codes of every error the receiver raises; also the `code` of the JSON error body. */
export type KeycloakAuthErrorCode =
  | 'AUTH_CONFIG_INVALID'
  | 'AUTH_CREDENTIALS_MISSING'
  | 'AUTH_INVALID_REQUEST'
  | 'AUTH_TOKEN_INVALID'
  | 'AUTH_INSUFFICIENT_SCOPE'
  | 'AUTH_ROUTE_NOT_DECLARED'
  | 'AUTH_KEYS_UNAVAILABLE'
  | 'AUTH_CONTEXT_UNSUPPORTED';

/**
 * Why a presented token was refused. Logged and counted, never sent to the caller (the
 * response only says `invalid_token` with a generic description).
 */
export type InvalidTokenReason =
  | 'malformed'
  | 'too_large'
  | 'algorithm_not_allowed'
  | 'header_type'
  | 'critical_header'
  | 'kid_missing'
  | 'kid_unknown'
  | 'key_mismatch'
  | 'signature'
  | 'token_type'
  | 'issuer'
  | 'audience'
  | 'exp_invalid'
  | 'expired'
  | 'nbf_invalid'
  | 'not_yet_valid'
  | 'iat_invalid'
  | 'issued_in_future'
  | 'too_old'
  | 'azp_invalid'
  | 'sub_invalid'
  | 'jti_invalid'
  | 'account_kind_ambiguous'
  | 'unexpected';

/** Why a valid token does not grant access to a route. */
export type InsufficientScopeReason =
  'not_service_account' | 'not_user' | 'caller_not_allowed' | 'role_missing';

/** Why a request was refused before any token was examined. */
export type RequestRejectionReason =
  'no_credentials' | 'other_scheme' | 'unsupported_location' | 'several_credentials';

export type KeycloakAuthErrorReason =
  | InvalidTokenReason
  | InsufficientScopeReason
  | RequestRejectionReason
  | 'route_not_declared'
  | 'keys_unavailable'
  | 'context_unsupported';

/**
 * Root of the receiver's errors (ADR 0007). `message` and `publicMessage` never contain a token,
 * a claim value from a token or a key; `reason` is the internal detail that goes to logs and
 * metrics.
 */
export abstract class KeycloakAuthError extends CodedError<KeycloakAuthErrorCode> {
  /** HTTP status the guard answers with. */
  abstract readonly status: number;
  /** What the JSON body tells the caller, in general terms. */
  abstract readonly publicMessage: string;

  constructor(
    message: string,
    readonly reason: KeycloakAuthErrorReason,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The RFC 6750 `WWW-Authenticate` value for this failure, or undefined when none applies. */
  challenge(_realm: string): string | undefined {
    return undefined;
  }
}

const quote = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;

/** `Bearer realm="…"[, error="…", error_description="…"]` (RFC 6750 §3). */
export function bearerChallenge(realm: string, error?: string, description?: string): string {
  let value = `Bearer realm=${quote(realm)}`;
  if (error) value += `, error=${quote(error)}`;
  if (description) value += `, error_description=${quote(description)}`;
  return value;
}

/** Options given to KeycloakAuthModule are wrong; lists every problem at once. */
export class KeycloakAuthConfigError extends KeycloakAuthError {
  static override readonly code = 'AUTH_CONFIG_INVALID';
  readonly status = 500;
  readonly publicMessage = 'Authentication is misconfigured.';

  constructor(readonly problems: readonly string[]) {
    super(`Invalid KeycloakAuthModule options:\n- ${problems.join('\n- ')}`, 'unexpected');
  }
}

/** No credentials, another scheme, or a token where this service does not read one: 401, bare challenge. */
export class CredentialsMissingError extends KeycloakAuthError {
  static override readonly code = 'AUTH_CREDENTIALS_MISSING';
  readonly status = 401;
  readonly publicMessage =
    'Authentication required: send an access token as "Authorization: Bearer <token>".';

  constructor(reason: RequestRejectionReason) {
    super(`No bearer credentials (${reason})`, reason);
  }

  override challenge(realm: string): string {
    return bearerChallenge(realm);
  }
}

/** Credentials in more than one place (RFC 6750 §2): 400 invalid_request. */
export class InvalidRequestError extends KeycloakAuthError {
  static override readonly code = 'AUTH_INVALID_REQUEST';
  readonly status = 400;
  readonly publicMessage = 'Send exactly one access token, in the Authorization header only.';

  constructor() {
    super('Credentials were sent in more than one place', 'several_credentials');
  }

  override challenge(realm: string): string {
    return bearerChallenge(
      realm,
      'invalid_request',
      'The request carries more than one credential',
    );
  }
}

/** A presented token failed validation: 401 invalid_token with a generic description. */
export class InvalidTokenError extends KeycloakAuthError {
  static override readonly code = 'AUTH_TOKEN_INVALID';
  readonly status = 401;
  readonly publicMessage = 'The access token is invalid or has expired.';

  constructor(
    override readonly reason: InvalidTokenReason,
    options?: { cause?: unknown },
  ) {
    super(`Access token rejected (${reason})`, reason, options);
  }

  override challenge(realm: string): string {
    return bearerChallenge(realm, 'invalid_token', 'The access token is invalid or has expired');
  }
}

/** A valid token whose caller, kind or roles do not satisfy the route: 403 insufficient_scope. */
export class InsufficientScopeError extends KeycloakAuthError {
  static override readonly code = 'AUTH_INSUFFICIENT_SCOPE';
  readonly status = 403;
  readonly publicMessage = 'The access token does not grant access to this resource.';

  constructor(override readonly reason: InsufficientScopeReason) {
    super(`Access denied (${reason})`, reason);
  }

  override challenge(realm: string): string {
    return bearerChallenge(
      realm,
      'insufficient_scope',
      'The access token does not grant access to this resource',
    );
  }
}

/** A route without @ServiceAuth, @UserAuth or @Public: refused whatever the caller sends. */
export class RouteNotDeclaredError extends KeycloakAuthError {
  static override readonly code = 'AUTH_ROUTE_NOT_DECLARED';
  readonly status = 403;
  readonly publicMessage = 'Access to this resource is not configured.';

  constructor(readonly route: string) {
    super(
      `Route ${route} declares neither @ServiceAuth, @UserAuth nor @Public`,
      'route_not_declared',
    );
  }
}

/** No usable key set is held and none can be fetched: 503 with Retry-After, no challenge. */
export class KeySetUnavailableError extends KeycloakAuthError {
  static override readonly code = 'AUTH_KEYS_UNAVAILABLE';
  readonly status = 503;
  readonly publicMessage = 'Access tokens cannot be validated right now; retry later.';

  constructor(
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(
      'No usable signing key set: the JWKS endpoint cannot be reached',
      'keys_unavailable',
      options,
    );
  }
}

/** The guard ran for a transport other than HTTP (RPC, WebSocket, GraphQL): refused, never passed. */
export class UnsupportedContextError extends KeycloakAuthError {
  static override readonly code = 'AUTH_CONTEXT_UNSUPPORTED';
  readonly status = 500;
  readonly publicMessage = 'This transport is not supported by KeycloakAuthModule.';

  constructor(readonly contextType: string) {
    super(`KeycloakAuthGuard refuses non-HTTP context "${contextType}"`, 'context_unsupported');
  }
}
