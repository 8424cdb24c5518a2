import {
  CredentialsMissingError,
  InvalidRequestError,
  InvalidTokenError,
} from './keycloak-auth.errors.js';

/** The parts of an Express or Fastify request the extractor reads. */
export interface CredentialRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly rawHeaders?: readonly string[];
  readonly raw?: { readonly rawHeaders?: readonly string[] };
  readonly url?: string;
  readonly originalUrl?: string;
  readonly body?: unknown;
}

/** RFC 6750 §2.1 `b64token`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** RFC 9110 §5.6.2 `token` (the auth-scheme). */
const SCHEME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;
const FORM_BODY = /^application\/x-www-form-urlencoded/i;

function authorizationHeaderCount(rawHeaders: readonly string[] | undefined): number {
  let count = 0;
  if (rawHeaders) {
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i];
      if (name.length === 13 && name.toLowerCase() === 'authorization') count++;
    }
  }
  return count;
}

function hasQueryToken(url: string | undefined): boolean {
  const start = url?.indexOf('?') ?? -1;
  return (
    start >= 0 &&
    url!.includes('access_token', start) &&
    new URLSearchParams(url!.slice(start + 1)).has('access_token')
  );
}

function hasFormBodyToken(request: CredentialRequest): boolean {
  const type = request.headers['content-type'];
  return (
    typeof type === 'string' &&
    FORM_BODY.test(type) &&
    typeof request.body === 'object' &&
    request.body !== null &&
    Object.hasOwn(request.body, 'access_token')
  );
}

/**
 * Returns the bearer credential of a request, read from the Authorization header only (RFC 6750
 * §2.1): scheme case-insensitive, one or more spaces, at most `maxTokenBytes` (its characters are
 * checked by assertB64Token).
 *
 * - no header, another scheme, or a token only in the query / form body → CredentialsMissingError (401)
 * - Authorization twice, or a header plus a query / body token → InvalidRequestError (400)
 * - `Bearer` with nothing after it, or an oversized token → InvalidTokenError (401 invalid_token)
 *
 * Cookies are never read.
 */
export function extractBearerToken(request: CredentialRequest, maxTokenBytes: number): string {
  const header = request.headers.authorization;
  const inQuery = hasQueryToken(request.originalUrl ?? request.url);
  const inBody = hasFormBodyToken(request);
  const headers = authorizationHeaderCount(request.rawHeaders ?? request.raw?.rawHeaders);
  if (headers > 1 || Number(headers > 0) + Number(inQuery) + Number(inBody) > 1) {
    throw new InvalidRequestError();
  }
  if (typeof header !== 'string' || header === '') {
    throw new CredentialsMissingError(
      inQuery || inBody ? 'unsupported_location' : 'no_credentials',
    );
  }
  // The usual spelling first, without a regular expression: "Bearer" then a space.
  const scheme = header.startsWith('Bearer ') ? 'Bearer' : SCHEME.exec(header)?.[0];
  if (scheme !== 'Bearer' && scheme?.toLowerCase() !== 'bearer') {
    throw new CredentialsMissingError('other_scheme');
  }

  let start = scheme.length;
  while (header.charCodeAt(start) === 32) start++;
  if (start === scheme.length) throw new InvalidTokenError('malformed');
  if (header.length - start > maxTokenBytes) throw new InvalidTokenError('too_large');
  return header.slice(start);
}

/**
 * Throws InvalidTokenError('malformed') unless the credential is one RFC 6750 b64token. The guard
 * runs it on a verified-token cache miss only: a hit means this exact string already passed it.
 */
export function assertB64Token(token: string): void {
  if (!B64TOKEN.test(token)) throw new InvalidTokenError('malformed');
}
