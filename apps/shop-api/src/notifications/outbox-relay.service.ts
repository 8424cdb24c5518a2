import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { NotificationState } from '../orders/order.js';
import { DELIVERY_OPTIONS, type DeliveryOptions } from './delivery-options.js';
import { NotificationDeliveryService } from './notification-delivery.service.js';
import type { OutboxEntry } from './outbox-entry.js';
import { OutboxRepository } from './outbox.repository.js';

/**
 * Delivers what the outbox holds: every `pollIntervalMs` (jittered) it claims the rows that
 * are due, at most `maxInFlight` at a time, and attempts each. Any replica delivers any
 * replica's rows; a row claimed by a replica that died becomes due again when its claim ends.
 * On shutdown it stops claiming, gives the attempts in flight `shutdownGraceMs`, aborts the
 * rest and makes every row it still holds due at once for the other replicas (or the next start).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** Names this replica in `claimed_by`: which process holds a row, for operators and for release. */
  readonly replicaId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly inFlight = new Set<Promise<NotificationState>>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopping = false;
  private failingSince: number | undefined;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly delivery: NotificationDeliveryService,
    @Inject(DELIVERY_OPTIONS) private readonly options: DeliveryOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  /** The claim a checkout's own attempt holds: its budget plus the margin. */
  get firstAttemptLeaseMs(): number {
    return this.options.firstAttemptTimeoutMs + this.options.claimMarginMs;
  }

  /**
   * The attempt a checkout makes while its customer waits (`firstAttemptTimeoutMs`), on the
   * row it has just written already claimed; shutdown waits for it like for the relay's own.
   */
  deliverNow(entry: OutboxEntry): Promise<NotificationState> {
    return this.track(entry, this.options.firstAttemptTimeoutMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.polling;
    const grace = new Promise((resolve) => setTimeout(resolve, this.options.shutdownGraceMs));
    await Promise.race([Promise.allSettled([...this.inFlight]), grace]);
    this.abort.abort();
    await Promise.allSettled([...this.inFlight]);
    try {
      const released = await this.outbox.releaseAll(this.replicaId);
      if (released > 0) this.logger.log(`released ${released} notification(s) for other replicas`);
    } catch (error) {
      this.logger.warn(
        `could not release claimed notifications (${(error as Error).message}); they are retried when their claims expire`,
      );
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll();
    }, delayMs);
  }

  private async poll(): Promise<void> {
    const capacity = this.options.maxInFlight - this.inFlight.size;
    let claimed: OutboxEntry[] = [];
    if (capacity > 0) {
      try {
        claimed = await this.outbox.claimDue(
          capacity,
          this.replicaId,
          randomUUID(),
          this.options.retryAttemptTimeoutMs + this.options.claimMarginMs,
        );
        this.failingSince = undefined;
      } catch (error) {
        this.reportPollFailure(error as Error);
      }
    }
    for (const entry of claimed) void this.track(entry, this.options.retryAttemptTimeoutMs);
    const more = capacity > 0 && claimed.length === capacity;
    const { pollIntervalMs } = this.options;
    this.schedule(more ? 0 : Math.round(pollIntervalMs * (0.8 + Math.random() * 0.4)));
  }

  private track(entry: OutboxEntry, timeoutMs: number): Promise<NotificationState> {
    const attempt = this.delivery
      .attempt(entry, timeoutMs, this.abort.signal)
      .finally(() => this.inFlight.delete(attempt));
    this.inFlight.add(attempt);
    return attempt;
  }

  /** One warning when the store stops answering, not one per poll. */
  private reportPollFailure(error: Error): void {
    if (this.failingSince !== undefined) return;
    this.failingSince = Date.now();
    this.logger.warn(`cannot read the outbox (${error.message}); retrying every poll`);
  }
}
