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
 * nesting deeper than `maxDepth` (400; no deep structure ever reaches class-transformer's
 * recursion), invalid JSON (400), a key named like a member of
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
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Nesting beyond the limit is the answer even when the text is not JSON either.
    if (nestingExceeds(text, maxDepth)) throw tooDeep(maxDepth);
    throw new RequestRejectedError(400, 'BODY_NOT_JSON', 'The body is not valid JSON.');
  }
  const walk = { forbidden: undefined as string | undefined };
  if (walkExceeds(value, 1, maxDepth, walk)) throw tooDeep(maxDepth);
  if (walk.forbidden !== undefined) {
    throw new RequestRejectedError(
      400,
      'JSON_FORBIDDEN_KEY',
      `The JSON contains the key "${walk.forbidden}", a name of Object.prototype, which is refused.`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RequestRejectedError(400, 'BODY_NOT_OBJECT', 'The body must be a JSON object.');
  }
  return value;
}

function tooDeep(maxDepth: number): RequestRejectedError {
  return new RequestRejectedError(
    400,
    'JSON_TOO_DEEP',
    `The JSON is nested deeper than ${maxDepth} levels.`,
  );
}

/**
 * One walk over the parsed value, which is cheaper than scanning the text before parsing: whether
 * its nesting (objects and arrays, `depth` for `value`) exceeds `maxDepth`, which stops the walk,
 * so it never goes deeper than the limit; and in `walk.forbidden` the first key named like a
 * member of Object.prototype, in the order a JSON.parse reviver would meet it (a value's keys
 * before its own key; `__proto__` included, which JSON.parse defines as an ordinary property).
 * For valid JSON the nesting of the value is the nesting of its brackets, which
 * {@link nestingExceeds} counts in the text, so the answer is the same; a reviver would take
 * JSON.parse off its fast path.
 */
function walkExceeds(
  value: unknown,
  depth: number,
  maxDepth: number,
  walk: { forbidden: string | undefined },
): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (depth > maxDepth) return true;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (walkExceeds(item, depth + 1, maxDepth, walk)) return true;
    }
    return false;
  }
  for (const key of Object.keys(value)) {
    if (walkExceeds((value as Record<string, unknown>)[key], depth + 1, maxDepth, walk)) {
      return true;
    }
    if (walk.forbidden === undefined && Object.hasOwn(Object.prototype, key)) {
      walk.forbidden = key;
    }
  }
  return false;
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
