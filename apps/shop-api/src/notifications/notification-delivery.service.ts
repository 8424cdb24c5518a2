import { Inject, Injectable, Logger } from '@nestjs/common';
import { inChildSpan, inStoredTraceContext, requestContext } from '@app/common';
import type { NotificationState } from '../orders/order.js';
import { DELIVERY_OPTIONS, type DeliveryOptions } from './delivery-options.js';
import { DeliveryError, NotificationClient } from './notification-client.js';
import type { OutboxEntry } from './outbox-entry.js';
import { OutboxMetrics } from './outbox.metrics.js';
import { OutboxRepository } from './outbox.repository.js';

/**
 * One delivery attempt of a claimed outbox entry, and what follows from its outcome: delivered
 * (sent now, or `duplicate` because an earlier attempt got through) → the order says `sent` and
 * the row goes; a failure worth retrying → the row is due again after a backoff with jitter;
 * a failure retrying cannot fix, or the give-up time reached → `failed`. Never throws: when the
 * outcome cannot be recorded, the claim simply expires and another attempt follows.
 *
 * Every attempt runs as part of its checkout, however much later and on whichever replica: under
 * the checkout's request id (logs, `X-Request-Id`) and, with tracing on, as a
 * `notification.deliver` span in the checkout's trace (restored from the outbox row).
 */
@Injectable()
export class NotificationDeliveryService {
  private readonly logger = new Logger(NotificationDeliveryService.name);

  constructor(
    private readonly client: NotificationClient,
    private readonly outbox: OutboxRepository,
    private readonly metrics: OutboxMetrics,
    @Inject(DELIVERY_OPTIONS) private readonly options: DeliveryOptions,
  ) {}

  /** Resolves within `timeoutMs` plus the time to record the outcome. */
  attempt(entry: OutboxEntry, timeoutMs: number, abort?: AbortSignal): Promise<NotificationState> {
    const traced = () =>
      inChildSpan(
        'notification.deliver',
        { 'order.id': entry.orderId, 'notification.attempt': entry.attempts },
        async (span) => {
          const state = await this.deliver(entry, timeoutMs, abort);
          span?.setAttribute('notification.state', state);
          return state;
        },
      );
    return inStoredTraceContext(entry.traceparent, () =>
      entry.requestId ? requestContext.run({ requestId: entry.requestId }, traced) : traced(),
    );
  }

  private async deliver(
    entry: OutboxEntry,
    timeoutMs: number,
    abort: AbortSignal | undefined,
  ): Promise<NotificationState> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = abort ? AbortSignal.any([timeout, abort]) : timeout;
    let result: 'sent' | 'duplicate';
    try {
      result = await this.client.send(entry, signal);
    } catch (error) {
      if (abort?.aborted) return this.record(entry, () => this.release(entry));
      const failure =
        error instanceof DeliveryError
          ? error
          : new DeliveryError('unexpected delivery error', true);
      return this.record(entry, () => this.onFailure(entry, failure));
    }
    return this.record(entry, async () => {
      await this.outbox.markSent(entry.orderId);
      this.metrics.attempt(result);
      this.metrics.finished('sent', entry.attempts);
      this.logger.log(
        `notification for order ${entry.orderId} ${result === 'sent' ? 'sent' : 'already sent (duplicate)'} (attempt ${entry.attempts})`,
      );
      return 'sent';
    });
  }

  private async onFailure(entry: OutboxEntry, failure: DeliveryError): Promise<NotificationState> {
    const age = Date.now() - entry.createdAt.getTime();
    if (!failure.retryable || age >= this.options.giveUpAfterMs) {
      await this.outbox.markFailed(entry.orderId);
      this.metrics.attempt('failed');
      this.metrics.finished('failed', entry.attempts);
      this.logger.error(
        `notification for order ${entry.orderId} failed for good after ${entry.attempts} attempt(s): ${failure.message}`,
      );
      return 'failed';
    }
    const delay = this.backoff(entry.attempts);
    await this.outbox.reschedule(entry, delay, failure.message);
    this.metrics.attempt('retry_scheduled');
    this.logger.warn(
      `notification for order ${entry.orderId} pending (${failure.message}); attempt ${entry.attempts + 1} in ${delay}ms`,
    );
    return 'pending';
  }

  /** Aborted by shutdown: due again at once, for another replica or the next start. */
  private async release(entry: OutboxEntry): Promise<NotificationState> {
    await this.outbox.reschedule(entry, 0, 'released at shutdown');
    this.metrics.attempt('released');
    return 'pending';
  }

  private async record(
    entry: OutboxEntry,
    write: () => Promise<NotificationState>,
  ): Promise<NotificationState> {
    try {
      return await write();
    } catch (error) {
      this.logger.warn(
        `could not record the outcome for order ${entry.orderId} (${(error as Error).message}); ` +
          'it is attempted again when its claim expires',
      );
      return 'pending';
    }
  }

  private backoff(attempts: number): number {
    const { retryBaseDelayMs, retryMaxDelayMs } = this.options;
    const ceiling = Math.min(retryMaxDelayMs, retryBaseDelayMs * 2 ** (attempts - 1));
    return Math.round(ceiling * (0.5 + Math.random() / 2));
  }
}
