import { ServiceUnavailableException, UnprocessableEntityException } from '@nestjs/common';

/**
 * The mail server could not be reached or did not accept the email. This is a dependency
 * failure, not the caller's fault: 503, so callers (and proxies) treat it as temporary and
 * retry. Nothing is remembered for the idempotency key, so a retry with the same key sends.
 */
export class MailDeliveryFailedError extends ServiceUnavailableException {
  readonly code = 'MAIL_DELIVERY_FAILED';

  constructor(cause: unknown) {
    super(
      {
        statusCode: 503,
        error: 'Service Unavailable',
        code: 'MAIL_DELIVERY_FAILED',
        message:
          'The mail server could not be reached or did not accept the email, so it was not sent. ' +
          'Retry later with the same Idempotency-Key; the email is then sent once.',
      },
      { cause },
    );
  }
}

/** The idempotency key was already used for a request with a different body (a caller bug). */
export class IdempotencyKeyReusedError extends UnprocessableEntityException {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';

  constructor() {
    super({
      statusCode: 422,
      error: 'Unprocessable Entity',
      code: 'IDEMPOTENCY_KEY_REUSED',
      message:
        'This Idempotency-Key was already used for a different notification; ' +
        'send a new key (or the original body) instead.',
    });
  }
}

/**
 * Another request with the same key is still being sent (on this or another replica) and did
 * not finish while this one waited. 503: temporary; a retry with the same key gets `duplicate`
 * once that send has gone through, and sends itself if it failed.
 */
export class NotificationInProgressError extends ServiceUnavailableException {
  readonly code = 'NOTIFICATION_IN_PROGRESS';

  constructor() {
    super({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'NOTIFICATION_IN_PROGRESS',
      message:
        'A request with this Idempotency-Key is still being sent. Retry later with the same key.',
    });
  }
}
