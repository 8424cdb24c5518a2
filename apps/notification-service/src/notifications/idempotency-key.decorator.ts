import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import {
  IDEMPOTENCY_KEY_MAX_LENGTH,
  SAFE_TOKEN,
  SAFE_TOKEN_CHARACTERS,
} from './notifications.constants.js';

/**
 * The request's `Idempotency-Key` header, or `undefined` when absent. The structured-field form
 * of the IETF draft (`"abc"`) is accepted as well as the bare token. Anything else (empty, too
 * long, other characters, or the header sent twice) is a 400: the key ends up in logs and must
 * not be silently replaced by the default.
 */
export const IdempotencyKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined => {
    const { headers } = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    return parseIdempotencyKey(headers['idempotency-key']);
  },
);

export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = typeof header !== 'string' ? '' : quoted(header) ? header.slice(1, -1) : header;
  if (key.length > IDEMPOTENCY_KEY_MAX_LENGTH || !SAFE_TOKEN.test(key)) {
    throw new BadRequestException(
      `Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters of ${SAFE_TOKEN_CHARACTERS}`,
    );
  }
  return key;
}

/** `"…"`: the structured-field form (a header value holds no line break, so any text between). */
function quoted(header: string): boolean {
  return header.length >= 2 && header.startsWith('"') && header.endsWith('"');
}
