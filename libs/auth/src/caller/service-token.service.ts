import { ClientAuthentication } from './client-authentication.js';
import { FetchResults } from './fetch-results.js';
import { SingleFlight } from './single-flight.js';
import { ServiceTokenCounters, type CounterSample } from './service-token.counters.js';
import { TokenWaitAbortedError } from './service-token.errors.js';
import { ServiceTokenEvents, type ServiceTokenEvent } from './service-token.events.js';
import {
  normalizeScope,
  resolveServiceTokenOptions,
  type ResolvedServiceTokenOptions,
  type ServiceTokenOptions,
} from './service-token.options.js';
import { tokenStatus, type ServiceTokenStatus } from './service-token-status.js';
import { TokenCache, type CacheEntry } from './token-cache.js';
import { TokenEndpointClient } from './token-endpoint-client.js';
import { TokenFetch } from './token-fetch.js';
import { waitForToken } from './token-wait.js';
import { UnauthorizedRecovery } from './unauthorized-recovery.js';

export interface GetTokenOptions {
  /** Stop waiting when this fires; the shared fetch goes on for other callers. */
  signal?: AbortSignal;
  /** This caller's deadline; default `waitTimeoutMs` (15 s). */
  timeoutMs?: number;
  /** Scopes for this call (its own cache key); default the module's `scope`. */
  scope?: string | readonly string[];
}

/**
 * This service's own client-credentials token (ADR 0004): cached per scope set (TokenCache),
 * refreshed ahead of expiry, fetched once for any number of concurrent callers (SingleFlight),
 * retried with backoff (TokenFetch), circuit-broken when Keycloak struggles (FetchResults),
 * with the 401 rule for HTTP integrations (UnauthorizedRecovery). Framework-free: Nest provides
 * it through `ServiceTokenModule`, anything else can `new` it.
 */
export class ServiceTokenService {
  /** The module's `name`, else the client id; the `client` label of every event. */
  readonly client: string;
  readonly clientId: string;
  readonly tokenEndpoint: string;
  // Native private fields: printing the service never shows its options (and their secret).
  readonly #options: ResolvedServiceTokenOptions;
  readonly #events: ServiceTokenEvents;
  readonly #tokenCounters = new ServiceTokenCounters();
  readonly #cache: TokenCache;
  readonly #flights: SingleFlight;
  readonly #recovery: UnauthorizedRecovery;

  constructor(options: ServiceTokenOptions, name?: string) {
    this.#options = resolveServiceTokenOptions(options);
    this.clientId = this.#options.clientId;
    this.tokenEndpoint = this.#options.tokenEndpoint;
    this.client = name ?? this.clientId;
    this.#events = new ServiceTokenEvents(this.client);
    this.#events.subscribe((event) => this.#tokenCounters.record(event));
    this.#cache = new TokenCache(this.#options.maxCacheKeys, this.#options);
    const auth = new ClientAuthentication(
      this.clientId,
      this.#options.authMethod,
      this.#options.credential,
    );
    this.#flights = new SingleFlight(
      this.clientId,
      this.#events,
      new TokenFetch(
        this.#options,
        new TokenEndpointClient(this.#options, auth),
        auth,
        this.#events,
      ),
      new FetchResults(this.#options, this.#events),
    );
    this.#recovery = new UnauthorizedRecovery(
      {
        cache: this.#cache,
        defaultScope: this.#options.scope,
        forcedRefreshIntervalMs: this.#options.forcedRefreshIntervalMs,
        monotonic: () => this.#options.clock.monotonic(),
        drop: (entry, reason) => this.drop(entry, reason),
        tokenFor: (entry, signal) => this.tokenFor(entry, { signal }),
      },
      this.#events,
    );
  }

  /**
   * A token with at least the minimum validity left. Served from the cache when fresh; when
   * stale, served at once while one background refresh runs; otherwise fetched once for all
   * concurrent callers.
   */
  getToken(options: GetTokenOptions = {}): Promise<string> {
    return this.tokenFor(this.#cache.entry(this.scopeKey(options.scope)), options);
  }

  /**
   * Drops `token` from the cache if it is still the cached one; the next call fetches anew.
   * Returns whether it was dropped.
   */
  invalidate(token: string): boolean {
    const entry = this.#cache.holding(token);
    if (!entry?.token) return false;
    this.drop(entry, 'manual');
    return true;
  }

  /**
   * The 401 rule (ADR 0005): drops `rejectedToken` if it is still the cached one and no forced
   * refresh happened for its key lately; for a replayable request, returns a newer token to
   * replay with (or undefined: do not replay). A 403 must never come here.
   */
  recoverFromUnauthorized(
    rejectedToken: string,
    options: { replayable: boolean; signal?: AbortSignal },
  ): Promise<string | undefined> {
    return this.#recovery.recover(rejectedToken, options);
  }

  /** Observe every event; returns a function that unsubscribes. */
  subscribe(listener: (event: ServiceTokenEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  /** The counters so far (token requests, cache lookups, 401 recoveries). */
  counters(): CounterSample[] {
    return this.#tokenCounters.snapshot();
  }

  /** Health and gauges of one cache key (default: the module's scope). */
  status(scope?: string | readonly string[]): ServiceTokenStatus {
    const key = this.scopeKey(scope);
    return tokenStatus(this.client, key, this.#cache.peek(key), this.#options.clock.monotonic());
  }

  /** `status()` of every cache key in use. */
  statuses(): ServiceTokenStatus[] {
    const now = this.#options.clock.monotonic();
    return this.#cache.all().map(([key, entry]) => tokenStatus(this.client, key, entry, now));
  }

  toString(): string {
    return `ServiceTokenService(${this.client})`;
  }

  private scopeKey(scope: string | readonly string[] | undefined): string {
    return scope === undefined ? this.#options.scope : normalizeScope(scope);
  }

  private tokenFor(entry: CacheEntry, options: GetTokenOptions): Promise<string> {
    if (options.signal?.aborted) {
      return Promise.reject(new TokenWaitAbortedError({ cause: options.signal.reason }));
    }
    const now = this.#options.clock.monotonic();
    const token = entry.token;
    if (token && now < token.schedule.usableUntil) {
      if (now < token.schedule.refreshAt) {
        this.#events.emitFor(entry, { type: 'cache_lookup', result: 'hit' });
      } else {
        this.#events.emitFor(entry, { type: 'cache_lookup', result: 'stale_hit' });
        this.#flights.refreshInBackground(entry, now);
      }
      return Promise.resolve(token.value);
    }
    entry.token = undefined;
    const { clock, waitTimeoutMs } = this.#options;
    return waitForToken(
      this.#flights.acquire(entry, now),
      clock,
      options.timeoutMs ?? waitTimeoutMs,
      options.signal,
    );
  }

  private drop(entry: CacheEntry, reason: 'manual' | 'unauthorized'): void {
    const token = entry.token!;
    entry.token = undefined;
    entry.nextTrigger = reason === 'manual' ? 'forced' : 'unauthorized_recovery';
    this.#events.emitFor(entry, {
      type: 'token_invalidated',
      reason,
      fingerprint: token.fingerprint,
    });
  }
}
