import { Inject, Injectable, Logger } from '@nestjs/common';
import { METRICS_REGISTRY } from '@app/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { OutboxRepository } from './outbox.repository.js';

export type AttemptOutcome = 'sent' | 'duplicate' | 'retry_scheduled' | 'failed' | 'released';

/**
 * The outbox as monitoring sees it. The gauges are read from the database at scrape time and
 * are the same on every replica (aggregate with max, not sum); the counters and the histogram
 * count what this replica did.
 */
@Injectable()
export class OutboxMetrics {
  private readonly logger = new Logger(OutboxMetrics.name);
  private readonly attempts: Counter<'outcome'>;
  private readonly attemptsPerNotification: Histogram<'outcome'>;

  constructor(outbox: OutboxRepository, @Inject(METRICS_REGISTRY) registry: Registry) {
    this.attempts = new Counter({
      name: 'shop_notification_delivery_attempts_total',
      help: 'Attempts to deliver order notifications made by this replica, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.attemptsPerNotification = new Histogram({
      name: 'shop_outbox_attempts_per_notification',
      help: 'Attempts a notification took until it was delivered or given up, by final outcome',
      labelNames: ['outcome'],
      buckets: [1, 2, 3, 5, 8, 13, 21],
      registers: [registry],
    });
    const read = async () => {
      try {
        return await outbox.stats();
      } catch (error) {
        this.logger.warn(`outbox metrics unavailable (${(error as Error).message})`);
        return { pending: Number.NaN, oldestAgeSeconds: Number.NaN };
      }
    };
    let scrape: Promise<{ pending: number; oldestAgeSeconds: number }> | undefined;
    // One query per scrape for both gauges.
    const stats = () => (scrape ??= read().finally(() => setImmediate(() => (scrape = undefined))));
    new Gauge({
      name: 'shop_outbox_pending',
      help: 'Order notifications in the outbox, not yet delivered (all replicas)',
      registers: [registry],
      async collect() {
        this.set((await stats()).pending);
      },
    });
    new Gauge({
      name: 'shop_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest notification still in the outbox, 0 when empty (all replicas)',
      registers: [registry],
      async collect() {
        this.set((await stats()).oldestAgeSeconds);
      },
    });
  }

  attempt(outcome: AttemptOutcome): void {
    this.attempts.inc({ outcome });
  }

  /** A notification reached its final state after `attempts` attempts. */
  finished(outcome: 'sent' | 'failed', attempts: number): void {
    this.attemptsPerNotification.observe({ outcome }, attempts);
  }
}
