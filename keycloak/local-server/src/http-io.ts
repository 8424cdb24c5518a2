import type { IncomingMessage, ServerResponse } from 'node:http';
import { OAuthError } from './oauth-error.js';

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The realm's default browser security headers, which Keycloak 26.6 sends with every answer
 * under `/realms/` (no `X-XSS-Protection` any more; measured by the conformance suite).
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'SAMEORIGIN',
  'X-Robots-Tag': 'none',
};

/** `Cache-Control` / `Pragma` the token endpoint adds (facts §1.2). */
export const NO_STORE_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
};

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = 'application/json',
): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(payload),
  });
  response.end(payload);
}

export function sendError(
  response: ServerResponse,
  error: OAuthError,
  headers: Record<string, string> = {},
): void {
  sendJson(response, error.status, error.toJSON(), headers);
}

/** A path outside `/realms/`: Keycloak's answer, without the realm's security headers. */
export const NOT_FOUND = new OAuthError(404, 'Unable to find matching target resource method');

/** A path under `/realms/<realm>` that no endpoint serves. */
export const NOT_FOUND_IN_REALM = new OAuthError(404, 'HTTP 404 Not Found');

export const METHOD_NOT_ALLOWED = new OAuthError(405, 'HTTP 405 Method Not Allowed');

export const realmNotFound = () => new OAuthError(404, 'Realm does not exist');

/**
 * Reads the form parameters of a request. A body of another media type (JSON, none) is read as
 * no parameters at all, as Keycloak 26.6 does: its endpoints then answer with their own error
 * (e.g. "Missing form parameter: grant_type"), never 415.
 */
export async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new OAuthError(413, 'HTTP 413 Request Entity Too Large');
    chunks.push(chunk as Buffer);
  }
  if (type !== 'application/x-www-form-urlencoded') return new URLSearchParams();
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
