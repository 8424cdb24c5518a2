import { HttpException, HttpStatus } from '@nestjs/common';

/** 429 with a stable code; the guard that throws it sets `Retry-After` to the same seconds. */
export class RateLimitedError extends HttpException {
  static readonly code = 'RATE_LIMITED';
  readonly code = RateLimitedError.code;

  constructor(
    /** Which limit was reached, e.g. "checkouts per customer". */
    readonly limit: string,
    readonly retryAfterSeconds: number,
  ) {
    super(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        code: RateLimitedError.code,
        message: `Too many requests (${limit}); retry after ${retryAfterSeconds} s.`,
        retryAfterSeconds,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
    this.name = 'RateLimitedError';
  }
}
