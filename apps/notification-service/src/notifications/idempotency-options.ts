export interface IdempotencyOptions {
  /**
   * How long a key is remembered after its first use. A repeat within this time is answered
   * `duplicate`; it only has to outlast the callers' retries (shop-api gives up after an hour).
   */
  ttlMs: number;
  /**
   * While a request sends, it holds the key for this long and renews it every `renewEveryMs`;
   * when its process dies the key is free again at most `leaseMs` later.
   */
  leaseMs: number;
  renewEveryMs: number;
  /** A request whose key is being sent by another request waits at most this long. */
  waitMs: number;
  /** How often such a waiting request looks again. */
  pollMs: number;
  /** Expired records are deleted this often (and at start). */
  cleanupEveryMs: number;
  /**
   * How many `sent` records each process keeps in memory, so that a repeat is answered without
   * a query (docs/adr/0018): a sent record never changes before it expires, and each is kept
   * no longer than the store says it lives. 0 turns this off.
   */
  maxCachedSentRecords: number;
}

export const IDEMPOTENCY_OPTIONS = Symbol('IDEMPOTENCY_OPTIONS');

export const DEFAULT_IDEMPOTENCY_OPTIONS: IdempotencyOptions = {
  ttlMs: 24 * 60 * 60 * 1000,
  leaseMs: 15_000,
  renewEveryMs: 5_000,
  waitMs: 15_000,
  pollMs: 50,
  cleanupEveryMs: 10 * 60 * 1000,
  maxCachedSentRecords: 10_000,
};
