import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Database } from '@app/store';
import { LRUCache } from 'lru-cache';
import { IDEMPOTENCY_OPTIONS, type IdempotencyOptions } from './idempotency-options.js';
import { IdempotencyKeyReusedError, NotificationInProgressError } from './notifications.errors.js';

/** Whose request this is: the calling client (`azp`), its Idempotency-Key and the body's hash. */
export interface IdempotencyScope {
  clientId: string;
  key: string;
  fingerprint: string;
}

export interface IdempotentResult {
  notificationId: string;
  /** True when this call did not send: the key had been sent before (or by a concurrent call). */
  duplicate: boolean;
  /**
   * True when this call took over a key whose previous holder died while sending: if that one
   * had got the email accepted, this is the second email of the documented window.
   */
  takeover: boolean;
}

const TABLE = 'notification_service.idempotency_records';
const CLEANUP_BATCH = 1000;

/** A `sent` record as the store had it, and until when (performance.now()) it stays so. */
interface SentRecord {
  fingerprint: string;
  notificationId: string;
  validUntil: number;
}

/**
 * Sends at most once per (client, key) across every replica and restart, through one record
 * per key in the store:
 *
 * 1. A request claims the key with one statement: a new record (`sending`, with a lease), or a
 *    record whose lease ran out because its holder died, or one that has expired.
 * 2. The claimant sends, renewing its lease meanwhile, then marks the record `sent` with one
 *    statement right after the mail server accepted it. A failed send deletes the record, so
 *    the next request sends again.
 * 3. Anyone else reads the record: `sent` → duplicate with the first notification id; a
 *    different body → 422; still `sending` → wait for the claimant and look again.
 *
 * The one window left: the mail server accepted the email and the process died before step 2's
 * statement. The lease then runs out and a retry sends a second email with the same
 * notification id (and Message-ID) as the first (docs/adr/0020).
 *
 * A `sent` record is final until it expires (no statement above changes it, and clean-up takes
 * only expired ones), so each process remembers those it has read or written, each for no
 * longer than the store gives it, and answers a repeat of one from memory: the same duplicate,
 * the same 422 for another body (docs/adr/0018).
 */
@Injectable()
export class IdempotencyStore implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencyStore.name);
  private cleanupTimer: NodeJS.Timeout | undefined;
  private readonly sentRecords: LRUCache<string, SentRecord> | undefined;

  constructor(
    private readonly database: Database,
    @Inject(IDEMPOTENCY_OPTIONS) private readonly options: IdempotencyOptions,
  ) {
    if (options.maxCachedSentRecords > 0) {
      this.sentRecords = new LRUCache({ max: options.maxCachedSentRecords });
    }
  }

  onApplicationBootstrap(): void {
    void this.cleanUp();
    this.cleanupTimer = setInterval(() => void this.cleanUp(), this.options.cleanupEveryMs);
    this.cleanupTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.cleanupTimer);
  }

  /**
   * Runs `send` unless the key was sent before or is being sent; `send` gets the notification
   * id to put in the email and rejects when the email was not accepted.
   */
  async run(
    scope: IdempotencyScope,
    send: (notificationId: string) => Promise<void>,
  ): Promise<IdempotentResult> {
    const known = this.sentRecord(scope);
    if (known) {
      if (known.fingerprint !== scope.fingerprint) throw new IdempotencyKeyReusedError();
      return { notificationId: known.notificationId, duplicate: true, takeover: false };
    }
    const deadline = Date.now() + this.options.waitMs;
    for (;;) {
      const leaseToken = randomUUID();
      const claimedAt = performance.now();
      const claim = await this.claim(scope, leaseToken);
      if (claim) {
        const recorded = await this.sendHolding(scope, leaseToken, claim.notification_id, send);
        // It expires ttlMs after the claim statement ran, so no sooner than ttlMs from claimedAt.
        if (recorded) {
          this.rememberSent(scope, claim.notification_id, claimedAt + this.options.ttlMs);
        }
        return {
          notificationId: claim.notification_id,
          duplicate: false,
          takeover: claim.takeovers > 0,
        };
      }
      const readAt = performance.now();
      const record = await this.read(scope);
      if (record && record.fingerprint !== scope.fingerprint) throw new IdempotencyKeyReusedError();
      if (record?.state === 'sent') {
        this.rememberSent(scope, record.notification_id, readAt + record.remaining_ms);
        return { notificationId: record.notification_id, duplicate: true, takeover: false };
      }
      // Another request holds the key (or just gave it up): wait, then try again.
      if (Date.now() >= deadline) throw new NotificationInProgressError();
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs));
    }
  }

  /** Deletes expired records, a batch at a time. Returns how many went. */
  async cleanUp(): Promise<number> {
    let deleted = 0;
    try {
      for (;;) {
        const rows = await this.database.query(
          `delete from ${TABLE}
            where (client_id, idempotency_key) in (
              select client_id, idempotency_key from ${TABLE}
               where expires_at <= now() limit ${CLEANUP_BATCH})
           returning 1`,
        );
        deleted += rows.length;
        if (rows.length < CLEANUP_BATCH) break;
      }
      if (deleted > 0) this.logger.log(`deleted ${deleted} expired idempotency record(s)`);
    } catch (error) {
      this.logger.warn(
        `could not delete expired idempotency records (${(error as Error).message})`,
      );
    }
    return deleted;
  }

  private async claim(scope: IdempotencyScope, leaseToken: string) {
    const [row] = await this.database.query<{ notification_id: string; takeovers: number }>(
      `insert into ${TABLE} as r (client_id, idempotency_key, fingerprint, notification_id,
                                 state, lease_token, lease_until, expires_at)
       values ($1, $2, $3, $4, 'sending', $5,
               now() + $6::integer * interval '1 millisecond',
               now() + $7::integer * interval '1 millisecond')
       on conflict (client_id, idempotency_key) do update
          set fingerprint = excluded.fingerprint,
              notification_id = case when r.expires_at <= now()
                                     then excluded.notification_id else r.notification_id end,
              takeovers = case when r.expires_at <= now() then 0 else r.takeovers + 1 end,
              created_at = case when r.expires_at <= now() then now() else r.created_at end,
              state = 'sending',
              lease_token = excluded.lease_token,
              lease_until = excluded.lease_until,
              expires_at = excluded.expires_at,
              sent_at = null
        where r.expires_at <= now()
           or (r.state = 'sending' and r.lease_until <= now()
               and r.fingerprint = excluded.fingerprint)
       returning notification_id, takeovers`,
      [
        scope.clientId,
        scope.key,
        scope.fingerprint,
        randomUUID(),
        leaseToken,
        this.options.leaseMs,
        this.options.ttlMs,
      ],
    );
    return row;
  }

  private async read(scope: IdempotencyScope) {
    // remaining_ms: how long the record still lives, by the store's own clock.
    const [row] = await this.database.query<{
      fingerprint: string;
      state: 'sending' | 'sent';
      notification_id: string;
      remaining_ms: number;
    }>(
      `select fingerprint, state, notification_id,
              (extract(epoch from expires_at - now()) * 1000)::float8 as remaining_ms
         from ${TABLE}
        where client_id = $1 and idempotency_key = $2 and expires_at > now()`,
      [scope.clientId, scope.key],
    );
    return row;
  }

  private sentRecord(scope: IdempotencyScope): SentRecord | undefined {
    const record = this.sentRecords?.get(sentRecordKey(scope));
    if (record && record.validUntil > performance.now()) return record;
    return undefined;
  }

  private rememberSent(scope: IdempotencyScope, notificationId: string, validUntil: number) {
    this.sentRecords?.set(sentRecordKey(scope), {
      fingerprint: scope.fingerprint,
      notificationId,
      validUntil,
    });
  }

  private async sendHolding(
    scope: IdempotencyScope,
    leaseToken: string,
    notificationId: string,
    send: (notificationId: string) => Promise<void>,
  ): Promise<boolean> {
    const mine = [scope.clientId, scope.key, leaseToken];
    const renewal = setInterval(() => {
      this.database
        .query(
          `update ${TABLE} set lease_until = now() + $4::integer * interval '1 millisecond'
            where client_id = $1 and idempotency_key = $2 and lease_token = $3`,
          [...mine, this.options.leaseMs],
        )
        .catch((error: Error) => this.logger.warn(`could not renew a lease (${error.message})`));
    }, this.options.renewEveryMs);
    try {
      await send(notificationId);
    } catch (error) {
      clearInterval(renewal);
      await this.database
        .query(
          `delete from ${TABLE}
            where client_id = $1 and idempotency_key = $2 and lease_token = $3`,
          mine,
        )
        .catch((deleteError: Error) =>
          this.logger.warn(
            `could not free key ${scope.key} after a failed send (${deleteError.message}); it is free when its lease ends`,
          ),
        );
      throw error;
    }
    clearInterval(renewal);
    return this.markSent(mine);
  }

  /**
   * Right after the mail server accepted the email: the shorter this takes, the smaller the
   * window. Retried a few times on a store error; the email is sent either way. True when the
   * record now says `sent`.
   */
  private async markSent(mine: string[]): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const rows = await this.database.query(
          `update ${TABLE} set state = 'sent', sent_at = now(), lease_token = null, lease_until = null
            where client_id = $1 and idempotency_key = $2 and lease_token = $3
           returning 1`,
          mine,
        );
        if (rows.length === 0) {
          this.logger.warn(
            `the lease on key ${mine[1]} had passed to another request while sending`,
          );
        }
        return rows.length > 0;
      } catch (error) {
        if (attempt === 3) {
          this.logger.error(
            `email sent but not recorded for key ${mine[1]} (${(error as Error).message}); a retry after the lease ends would send it again`,
          );
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }
}

/** Client ids and keys are free strings: the length keeps every pair apart. */
function sentRecordKey({ clientId, key }: IdempotencyScope): string {
  return `${clientId.length}:${clientId}${key}`;
}
