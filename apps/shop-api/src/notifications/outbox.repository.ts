import { Injectable } from '@nestjs/common';
import { Database, type Queryable } from '@app/store';
import type { NotificationPayload, OutboxEntry } from './outbox-entry.js';

interface EntryRow {
  order_id: string;
  idempotency_key: string;
  payload: NotificationPayload;
  created_at: Date;
  attempts: number;
  claim_token: string;
  request_id: string | null;
  traceparent: string | null;
}

export interface OutboxStats {
  /** Rows waiting for delivery, claimed or not, across every replica. */
  pending: number;
  /** Seconds since the oldest of them was written; 0 when there is none. */
  oldestAgeSeconds: number;
}

const ENTRY_COLUMNS =
  'order_id, idempotency_key, payload, created_at, attempts, claim_token, request_id, traceparent';

/**
 * shop_api.outbox: one row per notification not yet delivered. `due_at` is when the row may be
 * attempted next; claiming a row moves `due_at` to the end of the claim (the lease), so a
 * replica that dies mid-delivery holds it only until then. Every time comes from the database's
 * clock, so replicas with skewed clocks agree.
 */
@Injectable()
export class OutboxRepository {
  constructor(private readonly database: Database) {}

  /**
   * Writes the notification inside the checkout's transaction, already claimed by `claimedBy`
   * for the attempt the checkout makes itself (attempt 1).
   */
  async insertClaimed(
    tx: Queryable,
    entry: Omit<OutboxEntry, 'attempts' | 'createdAt'>,
    claimedBy: string,
    leaseMs: number,
  ): Promise<OutboxEntry> {
    const [row] = await tx.query<EntryRow>(
      `insert into shop_api.outbox (order_id, idempotency_key, payload, due_at, claim_token,
                                    claimed_by, attempts, request_id, traceparent)
       values ($1, $2, $3::jsonb, now() + $4::integer * interval '1 millisecond', $5, $6, 1, $7, $8)
       returning ${ENTRY_COLUMNS}`,
      [
        entry.orderId,
        entry.idempotencyKey,
        JSON.stringify(entry.payload),
        leaseMs,
        entry.claimToken,
        claimedBy,
        entry.requestId ?? null,
        entry.traceparent ?? null,
      ],
    );
    return toEntry(row);
  }

  /**
   * Claims up to `limit` due rows, oldest first, for `leaseMs`. `skip locked` lets replicas
   * claim side by side without waiting on each other or taking the same row.
   */
  async claimDue(
    limit: number,
    claimedBy: string,
    claimToken: string,
    leaseMs: number,
  ): Promise<OutboxEntry[]> {
    const rows = await this.database.query<EntryRow>(
      `update shop_api.outbox
          set claim_token = $1, claimed_by = $2, attempts = attempts + 1,
              due_at = now() + $3::integer * interval '1 millisecond'
        where order_id in (select order_id from shop_api.outbox
                            where due_at <= now()
                            order by due_at
                            limit $4
                              for update skip locked)
       returning ${ENTRY_COLUMNS}`,
      [claimToken, claimedBy, leaseMs, limit],
    );
    return rows.map(toEntry);
  }

  /**
   * notification-service has it (sent now or before): the order says so and the row goes, even
   * if the claim had expired meanwhile (a second delivery would only be answered `duplicate`).
   */
  async markSent(orderId: string): Promise<void> {
    await this.finish(orderId, 'sent');
  }

  /** Given up: the order says `failed` and the row goes. */
  async markFailed(orderId: string): Promise<void> {
    await this.finish(orderId, 'failed');
  }

  /** Releases the claim and makes the row due again after `delayMs`, if the claim is still ours. */
  async reschedule(entry: OutboxEntry, delayMs: number, error: string): Promise<void> {
    await this.database.query(
      `update shop_api.outbox
          set due_at = now() + $3::integer * interval '1 millisecond',
              claim_token = null, claimed_by = null, last_error = $4
        where order_id = $1 and claim_token = $2`,
      [entry.orderId, entry.claimToken, delayMs, error],
    );
  }

  /** Makes every row `claimedBy` still holds due now (graceful shutdown). Returns how many. */
  async releaseAll(claimedBy: string): Promise<number> {
    const rows = await this.database.query<{ order_id: string }>(
      `update shop_api.outbox set due_at = now(), claim_token = null, claimed_by = null
        where claimed_by = $1
       returning order_id`,
      [claimedBy],
    );
    return rows.length;
  }

  async stats(): Promise<OutboxStats> {
    const [row] = await this.database.query<{ pending: number; oldest: number | null }>(
      `select count(*)::integer as pending,
              extract(epoch from now() - min(created_at))::float8 as oldest
         from shop_api.outbox`,
    );
    return { pending: row.pending, oldestAgeSeconds: Math.max(0, row.oldest ?? 0) };
  }

  /** One statement, so one round trip and one commit: the row goes, the order records it. */
  private async finish(orderId: string, state: 'sent' | 'failed'): Promise<void> {
    // A delivery that succeeds after another replica gave up still counts as sent.
    await this.database.query(
      `with done as (delete from shop_api.outbox where order_id = $1)
       update shop_api.orders set notification = $2, notified_at = now()
        where order_id = $1 and notification in ('pending', $3)`,
      [orderId, state, state === 'sent' ? 'failed' : 'pending'],
    );
  }
}

function toEntry(row: EntryRow): OutboxEntry {
  return {
    orderId: row.order_id,
    idempotencyKey: row.idempotency_key,
    payload: row.payload,
    createdAt: new Date(row.created_at),
    attempts: row.attempts,
    claimToken: row.claim_token,
    ...(row.request_id !== null && { requestId: row.request_id }),
    ...(row.traceparent !== null && { traceparent: row.traceparent }),
  };
}
