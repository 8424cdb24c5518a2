import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONSULT_SERVER_LOG, OAuthError } from './oauth-error.js';

const MAX_BODY_BYTES = 1024 * 1024;

/** Realm default `browserSecurityHeaders` (facts §1.2), sent with the OAuth endpoint answers. */
export const SECURITY_HEADERS: Record<string, string> = {
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'SAMEORIGIN',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-XSS-Protection': '1; mode=block',
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

/** Keycloak's answer for a request outside every resource (facts §11: "404 as Keycloak answers it"). */
export const NOT_FOUND = new OAuthError(
  404,
  'Unable to find matching target resource method',
  CONSULT_SERVER_LOG,
);

export const realmNotFound = () => new OAuthError(404, 'Realm does not exist', CONSULT_SERVER_LOG);

/**
 * Reads an `application/x-www-form-urlencoded` body. Anything else is refused with 415 like the
 * `@Consumes(FORM_URLENCODED)` resources of Keycloak.
 */
export async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new OAuthError(413, 'HTTP 413 Request Entity Too Large', CONSULT_SERVER_LOG);
    chunks.push(chunk as Buffer);
  }
  if (type !== 'application/x-www-form-urlencoded') {
    throw new OAuthError(415, 'HTTP 415 Unsupported Media Type', CONSULT_SERVER_LOG);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
