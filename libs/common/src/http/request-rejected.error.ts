import { HttpException } from '@nestjs/common';

export type RequestRejectedCode =
  | 'UNSUPPORTED_CONTENT_ENCODING'
  | 'UNSUPPORTED_CHARSET'
  | 'BODY_NOT_UTF8'
  | 'BODY_EMPTY'
  | 'BODY_NOT_JSON'
  | 'JSON_TOO_DEEP'
  | 'JSON_FORBIDDEN_KEY'
  | 'BODY_NOT_OBJECT';

/**
 * A request refused at the edge, before any route code runs: a 4xx with a stable `code` and a
 * message that says what to change. The message never quotes the request.
 */
export class RequestRejectedError extends HttpException {
  constructor(
    status: 400 | 415,
    readonly code: RequestRejectedCode,
    message: string,
  ) {
    super({ statusCode: status, code, message }, status);
    this.name = 'RequestRejectedError';
  }
}
