import type { IncomingHttpHeaders } from 'node:http';
import { RequestRejectedError } from './request-rejected.error.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x5b, 0x7b]);
const CLOSERS = new Set([0x5d, 0x7d]);

/**
 * Parses a JSON request body strictly and refuses anything odd with a 4xx that says why:
 * a compressed body (415), a charset other than UTF-8 (415), bytes that are not UTF-8 (400),
 * nesting deeper than `maxDepth` (400, checked before parsing, so no deep structure ever reaches
 * class-transformer's recursion), invalid JSON (400), a key named like a member of
 * `Object.prototype` anywhere (400: `__proto__` and `constructor` are prototype poisoning, and
 * class-transformer silently drops keys such as `toString` rather than refusing them), and a top
 * level that is not an object (400). The size limit is Fastify's `bodyLimit` (413), applied
 * while reading.
 */
export function parseJsonBody(body: Buffer, headers: IncomingHttpHeaders, maxDepth: number) {
  const encoding = headers['content-encoding']?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    throw new RequestRejectedError(
      415,
      'UNSUPPORTED_CONTENT_ENCODING',
      'Compressed request bodies are not accepted: send the JSON without Content-Encoding.',
    );
  }
  const charset = CHARSET.exec(headers['content-type'] ?? '')?.[1].toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new RequestRejectedError(
      415,
      'UNSUPPORTED_CHARSET',
      'JSON must be encoded as UTF-8: send charset=utf-8 or no charset.',
    );
  }
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new RequestRejectedError(400, 'BODY_NOT_UTF8', 'The body is not valid UTF-8.');
  }
  if (text.trim() === '') {
    throw new RequestRejectedError(400, 'BODY_EMPTY', 'The body is empty: send a JSON object.');
  }
  if (nestingExceeds(text, maxDepth)) {
    throw new RequestRejectedError(
      400,
      'JSON_TOO_DEEP',
      `The JSON is nested deeper than ${maxDepth} levels.`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text, refuseProtoypeKeys);
  } catch (error) {
    if (error instanceof RequestRejectedError) throw error;
    throw new RequestRejectedError(400, 'BODY_NOT_JSON', 'The body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RequestRejectedError(400, 'BODY_NOT_OBJECT', 'The body must be a JSON object.');
  }
  return value;
}

/** JSON.parse reviver: sees every key, `__proto__` included (JSON.parse defines it as data). */
function refuseProtoypeKeys(key: string, value: unknown): unknown {
  if (Object.hasOwn(Object.prototype, key)) {
    throw new RequestRejectedError(
      400,
      'JSON_FORBIDDEN_KEY',
      `The JSON contains the key "${key}", a name of Object.prototype, which is refused.`,
    );
  }
  return value;
}

/** One pass over the text, counting brackets outside strings; never recurses. */
export function nestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (OPENERS.has(c)) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (CLOSERS.has(c)) {
      depth -= 1;
    }
  }
  return false;
}
