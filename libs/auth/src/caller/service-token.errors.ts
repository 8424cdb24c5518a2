import { CodedError } from '../shared/coded-error.js';

/** Stable codes of every error the caller throws; switch on `error.code`, never on the message. */
export type ServiceTokenErrorCode =
  | 'SERVICE_TOKEN_CONFIG_INVALID'
  | 'SERVICE_TOKEN_CREDENTIALS_UNAVAILABLE'
  | 'SERVICE_TOKEN_ENDPOINT_REJECTED'
  | 'SERVICE_TOKEN_ENDPOINT_UNREACHABLE'
  | 'SERVICE_TOKEN_RESPONSE_INVALID'
  | 'SERVICE_TOKEN_UNAVAILABLE'
  | 'SERVICE_TOKEN_WAIT_TIMEOUT'
  | 'SERVICE_TOKEN_WAIT_ABORTED';

/**
 * Base class of the caller's errors (ADR 0017). Messages and properties never carry a secret, a
 * client assertion, a token or a raw response body.
 */
export abstract class ServiceTokenError extends CodedError<ServiceTokenErrorCode> {
  /** Whether another attempt at the token endpoint may succeed without a configuration change. */
  readonly retryable: boolean = false;
}

/** Invalid module options; thrown at setup and lists every problem at once. */
export class ServiceTokenConfigError extends ServiceTokenError {
  static override readonly code = 'SERVICE_TOKEN_CONFIG_INVALID';

  constructor(readonly problems: readonly string[]) {
    super(`Invalid service token options:\n- ${problems.join('\n- ')}`);
  }
}

/** The secret file, secret provider or private key could not be used. Names the file, never its content. */
export class ClientCredentialsUnavailableError extends ServiceTokenError {
  static override readonly code = 'SERVICE_TOKEN_CREDENTIALS_UNAVAILABLE';
}

export interface TokenEndpointErrorDetails {
  status: number;
  /** The OAuth `error` code (`invalid_client`, `unauthorized_client`, `invalid_scope`, ...). */
  oauthError?: string;
  /** Keycloak's `error_description`, truncated, JWT-shaped text masked. */
  description?: string;
  /** `Retry-After` in milliseconds when the endpoint sent one. */
  retryAfterMs?: number;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** The token endpoint answered with an error status. */
export class TokenEndpointError extends ServiceTokenError {
  static override readonly code = 'SERVICE_TOKEN_ENDPOINT_REJECTED';
  override readonly retryable: boolean;
  readonly status: number;
  readonly oauthError?: string;
  readonly description?: string;
  readonly retryAfterMs?: number;
  /** What a person should check first. */
  readonly hint: string;

  constructor(clientId: string, details: TokenEndpointErrorDetails) {
    const hint = hintFor(details);
    const what = [details.oauthError, details.description && `"${details.description}"`]
      .filter(Boolean)
      .join(' ');
    super(
      `Token endpoint rejected client "${clientId}" with HTTP ${details.status}${what ? ` ${what}` : ''}. ${hint}`,
    );
    this.status = details.status;
    this.oauthError = details.oauthError;
    this.description = details.description;
    this.retryAfterMs = details.retryAfterMs;
    this.retryable = RETRYABLE_STATUS.has(details.status);
    this.hint = hint;
  }

  /**
   * Keycloak answers a wrong secret with 401 `unauthorized_client` and an unknown or disabled
   * client with 401 `invalid_client`; both mean "these credentials do not work".
   */
  get credentialsRejected(): boolean {
    return (
      this.status === 401 &&
      (this.oauthError === 'unauthorized_client' || this.oauthError === 'invalid_client') &&
      this.description !== SERVICE_ACCOUNTS_DISABLED
    );
  }
}

/** The token endpoint could not be reached, or did not answer within the attempt timeout. */
export class TokenEndpointUnreachableError extends ServiceTokenError {
  static override readonly code = 'SERVICE_TOKEN_ENDPOINT_UNREACHABLE';
  override readonly retryable = true;

  constructor(
    readonly reason: 'timeout' | 'network',
    /** The network error code (`ECONNREFUSED`, `UND_ERR_SOCKET`, ...) or `timeout`. */
    readonly errorType: string,
    endpoint: string,
    options?: { cause?: unknown },
  ) {
    super(
      reason === 'timeout'
        ? `Token endpoint ${endpoint} did not answer in time. Check that Keycloak is running and reachable from this service (KEYCLOAK_URL).`
        : `Token endpoint ${endpoint} is unreachable (${errorType}). Check KEYCLOAK_URL and that Keycloak is running and reachable from this service.`,
      options,
    );
  }
}

/** The token endpoint answered 200 with something that is not a usable token response. */
export class TokenResponseInvalidError extends ServiceTokenError {
  static override readonly code = 'SERVICE_TOKEN_RESPONSE_INVALID';
}

/**
 * No valid token can be handed out right now: the token endpoint failed recently and the circuit
 * is open. `cause` is the last failure.
 */
export class TokenUnavailableError extends ServiceTokenError {
  static override readonly code = 'SERVICE_TOKEN_UNAVAILABLE';

  constructor(
    clientId: string,
    readonly retryAfterMs: number,
    readonly lastSuccessAt: number | undefined,
    cause: ServiceTokenError,
  ) {
    super(
      `No service token for client "${clientId}": the token endpoint failed recently, next attempt in ${Math.ceil(retryAfterMs / 1000)} s. Last failure: ${cause.message}`,
      { cause },
    );
  }
}

/** This caller's own deadline passed; the shared fetch goes on for the other callers. */
export class TokenWaitTimeoutError extends ServiceTokenError {
  static override readonly code = 'SERVICE_TOKEN_WAIT_TIMEOUT';

  constructor(readonly timeoutMs: number) {
    super(`Gave up waiting for a service token after ${timeoutMs} ms`);
  }
}

/** This caller's AbortSignal fired; the shared fetch goes on for the other callers. */
export class TokenWaitAbortedError extends ServiceTokenError {
  static override readonly code = 'SERVICE_TOKEN_WAIT_ABORTED';

  constructor(options?: { cause?: unknown }) {
    super('Stopped waiting for a service token: the request was aborted', options);
  }
}

const SERVICE_ACCOUNTS_DISABLED = 'Client not enabled to retrieve service account';

function hintFor({ status, oauthError, description }: TokenEndpointErrorDetails): string {
  if (description === SERVICE_ACCOUNTS_DISABLED) {
    return 'Fix: turn on "Service accounts roles" for this client in Keycloak.';
  }
  if (description?.startsWith('Public client')) {
    return 'Fix: make the client confidential ("Client authentication" on) and give it a secret.';
  }
  if (oauthError === 'unauthorized_client' || oauthError === 'invalid_client') {
    return status === 401
      ? 'Fix: check the client id and that the secret (or key) matches the client\'s "Credentials" tab in Keycloak; a rotated secret must reach this service\'s secret file or variable.'
      : 'Fix: check the client\'s authentication method ("Client Authenticator") in Keycloak against the authMethod option.';
  }
  if (oauthError === 'invalid_scope') {
    return 'Fix: request only client scopes assigned to this client as default or optional scopes.';
  }
  if (oauthError === 'invalid_request' && description === 'HTTPS required') {
    return 'Fix: use https, or set the realm\'s "Require SSL" to match where this service runs.';
  }
  if (oauthError === 'invalid_request') {
    return "Fix: check that the client's service-account user exists and is enabled.";
  }
  if (status === 404) {
    return 'Fix: check the realm name and KEYCLOAK_AUTH_PATH (/auth only for Keycloak < 17 or KC_HTTP_RELATIVE_PATH=/auth).';
  }
  if (status === 429 || status >= 500 || status === 408) {
    return 'Keycloak is unavailable or overloaded; the request is retried with backoff.';
  }
  return 'Fix: check the token endpoint URL and the client configuration in Keycloak.';
}

/** The `error.type` of an event or a metric: the OAuth `error`, the network error code, or the code. */
export function errorTypeOf(error: ServiceTokenError): string {
  if (error instanceof TokenEndpointError) return error.oauthError ?? `http_${error.status}`;
  if (error instanceof TokenEndpointUnreachableError) return error.errorType;
  return error.code;
}
