import { HttpService } from '@nestjs/axios';
import { Injectable } from '@nestjs/common';
import { isAxiosError } from 'axios';
import { firstValueFrom } from 'rxjs';
import { requestContext } from '@app/common';
import type { OutboxEntry } from './outbox-entry.js';

/** Why a delivery attempt failed, in terms safe to log (no token, no body). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    /** False when retrying cannot help (notification-service refused the request as invalid). */
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

const RETRYABLE_STATUSES = new Set([401, 403, 408, 425, 429]);

/**
 * Calls notification-service as shop-api itself: the HttpService it uses comes from
 * ServiceTokenHttpModule, which attaches shop-api's own service-account token (never the
 * customer's) and recovers from a 401 once. The order id is the idempotency key, so a retried
 * or replayed request never sends a second email. The checkout's request id goes along as
 * `X-Request-Id` (the relay restores it with the checkout's trace context, also minutes later),
 * so both services log the same id; with tracing on, the HTTP instrumentation adds `traceparent`.
 */
@Injectable()
export class NotificationClient {
  constructor(private readonly http: HttpService) {}

  async send(entry: OutboxEntry, signal: AbortSignal): Promise<'sent' | 'duplicate'> {
    try {
      const response = await firstValueFrom(
        this.http.post<{ status: 'sent' | 'duplicate' }>(
          '/api/notifications/order',
          entry.payload,
          {
            headers: { 'Idempotency-Key': entry.idempotencyKey, ...requestIdHeader() },
            signal,
          },
        ),
      );
      return response.data.status;
    } catch (error) {
      throw classify(error);
    }
  }
}

function requestIdHeader(): Record<string, string> {
  const requestId = requestContext.getStore()?.requestId;
  return requestId ? { 'X-Request-Id': requestId } : {};
}

function classify(error: unknown): DeliveryError {
  if (isAxiosError(error) && error.response) {
    const status = error.response.status;
    const retryable = status >= 500 || RETRYABLE_STATUSES.has(status);
    return new DeliveryError(`notification-service answered ${status}`, retryable, status);
  }
  if (isAxiosError(error)) {
    return new DeliveryError(
      `notification-service unreachable (${error.code ?? 'network error'})`,
      true,
    );
  }
  // Anything else comes from obtaining shop-api's token (Keycloak down, circuit open, ...):
  // the library's errors name the cause without secrets.
  const name = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
  return new DeliveryError(`could not authenticate to notification-service (${name})`, true);
}
