import { LRUCache } from 'lru-cache';

/** At most `limit` requests per `windowSeconds` for one key; `limit` 0 switches the limit off. */
export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per key: a key may spend `limit` requests at once, and regains one every
 * `windowSeconds / limit` seconds, so over any window it gets at most about `2 × limit` and in
 * the long run `limit` per window. Keys are held in an LRU of `maxKeys` (a forgotten key starts
 * again with a full bucket), so memory stays bounded whatever the keys are.
 */
export class RateLimiter {
  private readonly buckets: LRUCache<string, Bucket>;
  private readonly perMs: number;

  constructor(
    readonly rule: RateLimit,
    maxKeys = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.buckets = new LRUCache({ max: maxKeys });
    this.perMs = rule.limit / (rule.windowSeconds * 1000);
  }

  /** Seconds until `key` may make a request (0: now). Takes nothing. */
  waitSeconds(key: string): number {
    if (this.rule.limit === 0) return 0;
    const tokens = this.refilled(key).tokens;
    return tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000));
  }

  /** Counts one request for `key` (call after {@link waitSeconds} said 0). */
  take(key: string): void {
    if (this.rule.limit === 0) return;
    const bucket = this.refilled(key);
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    this.buckets.set(key, bucket);
  }

  private refilled(key: string): Bucket {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.rule.limit, at: now };
    bucket.tokens = Math.min(this.rule.limit, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    return bucket;
  }
}
