import { LRUCache } from 'lru-cache';
import { IdempotencyKeyReusedError } from './notifications.errors.js';

export interface IdempotencyStoreOptions {
  /** Completed keys remembered at most; the least recently used is forgotten first. */
  maxKeys: number;
  /** How long a completed key is remembered. */
  ttlMs: number;
  /** Clock in milliseconds (tests pass a fake one). */
  now?: () => number;
}

export interface IdempotentResult<T> {
  value: T;
  /** True when this call did not run the work: it got a remembered or an in-flight result. */
  duplicate: boolean;
}

interface Entry<T> {
  fingerprint: string;
  value: T;
}

/**
 * Runs a piece of work at most once per key. A key seen before gets the remembered value;
 * concurrent calls with a key whose work is still running share that run; a run that fails is
 * not remembered, so the next call runs the work again. Bounded: completed keys live in an LRU
 * cache with a maximum size and a TTL; in-flight runs are bounded by concurrent requests.
 *
 * The fingerprint identifies the request behind a key: reusing a key for a different request
 * throws {@link IdempotencyKeyReusedError} instead of answering with another request's result.
 */
export class IdempotencyStore<T> {
  private readonly completed: LRUCache<string, Entry<T>>;
  private readonly inFlight = new Map<string, { fingerprint: string; run: Promise<T> }>();

  constructor(options: IdempotencyStoreOptions) {
    this.completed = new LRUCache<string, Entry<T>>({
      max: options.maxKeys,
      ttl: options.ttlMs,
      // Exact expiry: read the clock on every lookup instead of caching it for 1 ms.
      ttlResolution: 0,
      ...(options.now ? { perf: { now: options.now } } : {}),
    });
  }

  async run(
    key: string,
    fingerprint: string,
    work: () => Promise<T>,
  ): Promise<IdempotentResult<T>> {
    const known = this.completed.get(key) ?? this.inFlight.get(key);
    if (known) {
      if (known.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
      const value = 'value' in known ? known.value : await known.run;
      return { value, duplicate: true };
    }
    const run = work();
    this.inFlight.set(key, { fingerprint, run });
    try {
      const value = await run;
      this.completed.set(key, { fingerprint, value });
      return { value, duplicate: false };
    } finally {
      this.inFlight.delete(key);
    }
  }
}
