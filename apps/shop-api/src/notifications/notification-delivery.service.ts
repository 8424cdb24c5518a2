import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { METRICS_REGISTRY, inChildSpan } from '@app/common';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { NotificationState, Order } from '../orders/order.js';
import { DeliveryError, NotificationClient } from './notification-client.js';

export interface DeliveryOptions {
  /** Budget of the attempt made while the customer waits for the checkout response. */
  firstAttemptTimeoutMs: number;
  /** Budget of each background attempt. */
  retryAttemptTimeoutMs: number;
  /** Backoff: base · 2^(attempt−1), capped, with jitter in [½, 1]. */
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** After this long without success the notification is marked `failed`. */
  giveUpAfterMs: number;
}

export const DELIVERY_OPTIONS = Symbol('DELIVERY_OPTIONS');

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  firstAttemptTimeoutMs: 2_000,
  retryAttemptTimeoutMs: 10_000,
  retryBaseDelayMs: 1_000,
  retryMaxDelayMs: 30_000,
  giveUpAfterMs: 60 * 60_000,
};

/**
 * Delivers each order's notification exactly once as far as the customer can tell: one attempt
 * within a short deadline during checkout, then background retries with backoff until
 * notification-service accepts it (idempotency key = order id) or the give-up time passes.
 * A checkout never fails or waits longer than `firstAttemptTimeoutMs` because of it.
 */
@Injectable()
export class NotificationDeliveryService implements OnApplicationShutdown {
  private readonly logger = new Logger(NotificationDeliveryService.name);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly deliveries: Counter<'outcome'>;
  private readonly pending: Gauge;

  constructor(
    private readonly client: NotificationClient,
    @Inject(DELIVERY_OPTIONS) private readonly options: DeliveryOptions,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.deliveries = new Counter({
      name: 'shop_notification_delivery_attempts_total',
      help: 'Attempts to deliver order notifications, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.pending = new Gauge({
      name: 'shop_notifications_pending',
      help: 'Order notifications waiting for a retry',
      registers: [registry],
      collect: () => this.pending.set(this.timers.size),
    });
  }

  /** The attempt made during checkout; resolves within the first-attempt budget, never rejects. */
  async deliverDuringCheckout(order: Order): Promise<NotificationState> {
    await this.attempt(order, this.options.firstAttemptTimeoutMs);
    return order.notification;
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    if (this.timers.size > 0) {
      this.logger.warn(
        `shutting down with ${this.timers.size} notification(s) still pending: orders ${[...this.timers.keys()].join(', ')}`,
      );
    }
    this.timers.clear();
  }

  /** One delivery attempt, traced as `notification.deliver` (a retry continues the checkout's trace). */
  private attempt(order: Order, timeoutMs: number): Promise<void> {
    order.notificationAttempts += 1;
    const attributes = {
      'order.id': order.orderId,
      'notification.attempt': order.notificationAttempts,
    };
    return inChildSpan('notification.deliver', attributes, async (span) => {
      await this.deliver(order, timeoutMs);
      span?.setAttribute('notification.state', order.notification);
    });
  }

  private async deliver(order: Order, timeoutMs: number): Promise<void> {
    try {
      const result = await this.client.send(order, AbortSignal.timeout(timeoutMs));
      order.notification = 'sent';
      this.deliveries.inc({ outcome: result });
      this.logger.log(
        `notification for order ${order.orderId} ${result === 'sent' ? 'sent' : 'already sent (duplicate)'}`,
      );
    } catch (error) {
      const failure =
        error instanceof DeliveryError
          ? error
          : new DeliveryError('unexpected delivery error', true);
      this.onFailure(order, failure);
    }
  }

  private onFailure(order: Order, failure: DeliveryError): void {
    const age = Date.now() - Date.parse(order.createdAt);
    if (!failure.retryable || age >= this.options.giveUpAfterMs) {
      order.notification = 'failed';
      this.deliveries.inc({ outcome: 'failed' });
      this.logger.error(
        `notification for order ${order.orderId} failed for good after ${order.notificationAttempts} attempt(s): ${failure.message}`,
      );
      return;
    }
    order.notification = 'pending';
    this.deliveries.inc({ outcome: 'retry_scheduled' });
    const delay = this.backoff(order.notificationAttempts);
    this.logger.warn(
      `notification for order ${order.orderId} pending (${failure.message}); retry ${order.notificationAttempts + 1} in ${delay}ms`,
    );
    const timer = setTimeout(() => {
      this.timers.delete(order.orderId);
      void this.attempt(order, this.options.retryAttemptTimeoutMs);
    }, delay);
    timer.unref();
    this.timers.set(order.orderId, timer);
  }

  private backoff(attempts: number): number {
    const { retryBaseDelayMs, retryMaxDelayMs } = this.options;
    const ceiling = Math.min(retryMaxDelayMs, retryBaseDelayMs * 2 ** (attempts - 1));
    return Math.round(ceiling * (0.5 + Math.random() / 2));
  }
}
