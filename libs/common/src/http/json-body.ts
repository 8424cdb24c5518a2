import type { IncomingHttpHeaders } from 'node:http';
import { RequestRejectedError } from './request-rejected.error.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;
const BLANK = /^\s*$/;

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
  if (BLANK.test(text)) {
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
    value = JSON.parse(text);
  } catch {
    throw new RequestRejectedError(400, 'BODY_NOT_JSON', 'The body is not valid JSON.');
  }
  const forbidden = prototypeKeyIn(value);
  if (forbidden !== undefined) {
    throw new RequestRejectedError(
      400,
      'JSON_FORBIDDEN_KEY',
      `The JSON contains the key "${forbidden}", a name of Object.prototype, which is refused.`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RequestRejectedError(400, 'BODY_NOT_OBJECT', 'The body must be a JSON object.');
  }
  return value;
}

/**
 * The first key named like a member of Object.prototype, in the order a JSON.parse reviver would
 * meet it (a value's keys before its own key); `__proto__` included, which JSON.parse defines
 * as an ordinary property. Walking the parsed value is several times cheaper than a reviver,
 * which takes JSON.parse off its fast path; the depth was bounded before parsing.
 */
function prototypeKeyIn(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = prototypeKeyIn(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const found = prototypeKeyIn((value as Record<string, unknown>)[key]);
    if (found !== undefined) return found;
    if (Object.hasOwn(Object.prototype, key)) return key;
  }
  return undefined;
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
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return false;
}
