import { InvalidTokenError } from './keycloak-auth.errors.js';

/** A compact JWS split into its decoded JSON header and payload (not yet verified). */
export interface DecodedJws {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Strict base64url (RFC 7515 §2): only the URL alphabet, no padding, no whitespace, and the
 * canonical encoding (unused trailing bits zero), so one signed token has exactly one spelling.
 */
function decodeSegment(segment: string): Buffer {
  if (!BASE64URL.test(segment) || segment.length % 4 === 1)
    throw new InvalidTokenError('malformed');
  const bytes = Buffer.from(segment, 'base64url');
  if (bytes.toString('base64url') !== segment) throw new InvalidTokenError('malformed');
  return bytes;
}

function decodeObject(segment: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(decodeSegment(segment)));
  } catch (error) {
    if (error instanceof InvalidTokenError) throw error;
    throw new InvalidTokenError('malformed', { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidTokenError('malformed');
  }
  return value as Record<string, unknown>;
}

/**
 * Parses `header.payload.signature` (RFC 7515 §7.1) strictly: exactly three non-empty segments,
 * each canonical base64url, header and payload valid UTF-8 JSON objects. Throws
 * InvalidTokenError('malformed') for anything else (JWE, unsigned tokens, junk).
 */
export function decodeCompactJws(token: string): DecodedJws {
  const segments = token.split('.');
  if (segments.length !== 3) throw new InvalidTokenError('malformed');
  decodeSegment(segments[2]);
  return { header: decodeObject(segments[0]), payload: decodeObject(segments[1]) };
}
