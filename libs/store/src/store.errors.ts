import { ServiceUnavailableException } from '@nestjs/common';

/**
 * The store could not be opened: the message names the variable to look at (`DATA_DIR` or
 * `DATABASE_URL`) and says what went wrong, never a password.
 */
export class StoreUnavailableError extends Error {
  static readonly code = 'STORE_UNAVAILABLE';
  readonly code = StoreUnavailableError.code;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * The database could not be reached while serving a request (connection refused or lost,
 * server shutting down, too many connections, a statement timed out): 503, temporary, so
 * callers and their retries treat it like any unavailable dependency. Other database errors
 * stay what they are (a bug is a 500, not a reason to retry).
 */
export class DatabaseUnavailableException extends ServiceUnavailableException {
  static readonly code = 'DATABASE_UNAVAILABLE';
  readonly code = DatabaseUnavailableException.code;

  constructor(cause: unknown) {
    super(
      {
        statusCode: 503,
        error: 'Service Unavailable',
        code: DatabaseUnavailableException.code,
        message: 'The service cannot reach its database right now; retry later.',
      },
      { cause },
    );
  }
}
