import type { CachedToken } from './cached-token.js';
import type { FetchResults } from './fetch-results.js';
import { TokenUnavailableError } from './service-token.errors.js';
import type { ServiceTokenEvents, TokenRequestTrigger } from './service-token.events.js';
import type { CacheEntry } from './token-cache.js';
import type { TokenFetch } from './token-fetch.js';

/**
 * One fetch per cache key at a time, shared by every caller that needs it (ADR 0004). Its
 * rejection goes to its waiters and is never cached: the circuit remembers it and, while open,
 * callers without a usable token fail at once.
 */
export class SingleFlight {
  constructor(
    private readonly clientId: string,
    private readonly events: ServiceTokenEvents,
    private readonly fetch: TokenFetch,
    private readonly results: FetchResults,
  ) {}

  /** The fetch a caller waits for: the one in flight, a new one, or a refusal while the circuit is open. */
  acquire(entry: CacheEntry, now: number): Promise<CachedToken> {
    if (entry.inflight) {
      this.events.emitFor(entry, { type: 'cache_lookup', result: 'coalesced' });
      return entry.inflight;
    }
    const retryInMs = entry.circuit.remainingMs(now);
    const lastError = entry.circuit.lastError;
    if (retryInMs > 0 && lastError) {
      this.events.emitFor(entry, { type: 'cache_lookup', result: 'rejected' });
      return Promise.reject(
        new TokenUnavailableError(this.clientId, retryInMs, entry.lastSuccessAt, lastError),
      );
    }
    this.events.emitFor(entry, { type: 'cache_lookup', result: 'miss' });
    return this.start(entry, entry.nextTrigger ?? 'miss');
  }

  /** One background refresh of a stale token, unless a fetch runs or the circuit is open. */
  refreshInBackground(entry: CacheEntry, now: number): void {
    if (entry.inflight || entry.circuit.remainingMs(now) > 0) return;
    void this.start(entry, 'refresh_ahead');
  }

  private start(entry: CacheEntry, trigger: TokenRequestTrigger): Promise<CachedToken> {
    entry.nextTrigger = undefined;
    const fetch = this.fetch.run(entry, trigger).then(
      (grant) => this.results.succeeded(entry, grant, trigger),
      (error: unknown) => {
        throw this.results.failed(entry, error, trigger);
      },
    );
    entry.inflight = fetch;
    const clear = () => {
      if (entry.inflight === fetch) entry.inflight = undefined;
    };
    fetch.then(clear, clear);
    return fetch;
  }
}
