import { LRUCache } from 'lru-cache';
import type { CachedToken } from './cached-token.js';
import { CircuitBreaker, type CircuitSettings } from './circuit-breaker.js';
import type { TokenRequestTrigger } from './service-token.events.js';

/** Everything known about one cache key: a client's normalised scope set. */
export interface CacheEntry {
  readonly scope: string;
  /** Failure memory of this key (a rejected fetch is never cached; this is). */
  readonly circuit: CircuitBreaker;
  token?: CachedToken;
  /** The one fetch in flight for this key, shared by every waiter. */
  inflight?: Promise<CachedToken>;
  /** Why the next fetch happens when the token was dropped on purpose. */
  nextTrigger?: TokenRequestTrigger;
  /** Monotonic time of the last refresh forced by a 401. */
  lastForcedAt?: number;
  /** Monotonic time of the last successful fetch. */
  lastSuccessAt?: number;
}

/** The cache keys in use: one entry per scope set, the least recently used evicted past the maximum. */
export class TokenCache {
  private readonly entries: LRUCache<string, CacheEntry>;

  constructor(
    maxKeys: number,
    private readonly circuit: CircuitSettings,
  ) {
    this.entries = new LRUCache({ max: maxKeys });
  }

  /** The entry of `scope`, created on first use. */
  entry(scope: string): CacheEntry {
    let entry = this.entries.get(scope);
    if (!entry) {
      entry = { scope, circuit: new CircuitBreaker(this.circuit) };
      this.entries.set(scope, entry);
    }
    return entry;
  }

  /** The entry of `scope` if there is one, without touching its recency. */
  peek(scope: string): CacheEntry | undefined {
    return this.entries.peek(scope);
  }

  /** The entry whose cached token is `token`, if any still holds it. */
  holding(token: string): CacheEntry | undefined {
    for (const entry of this.entries.values()) {
      if (entry.token?.value === token) return entry;
    }
    return undefined;
  }

  all(): [string, CacheEntry][] {
    return [...this.entries.entries()];
  }
}
