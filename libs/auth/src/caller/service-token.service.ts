import { LRUCache } from 'lru-cache';
import { CachedToken } from './cached-token.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { ClientAuthentication } from './client-authentication.js';
import { sleep } from './clock.js';
import {
  ServiceTokenCounters,
  ServiceTokenEvents,
  type CounterSample,
  type ServiceTokenEvent,
  type ServiceTokenListener,
  type TokenRequestOutcome,
  type TokenRequestTrigger,
  type UnauthorizedOutcome,
} from './service-token.events.js';
import {
  ServiceTokenError,
  TokenEndpointError,
  TokenEndpointUnreachableError,
  TokenResponseInvalidError,
  TokenUnavailableError,
  TokenWaitAbortedError,
  TokenWaitTimeoutError,
} from './service-token.errors.js';
import {
  normalizeScope,
  resolveServiceTokenOptions,
  type ResolvedServiceTokenOptions,
  type ServiceTokenModuleOptions,
} from './service-token.options.js';
import { TokenEndpointClient, type TokenGrant } from './token-endpoint-client.js';
import { scheduleToken } from './token-lifetime.js';

/** Tokens living shorter than this are handed to their waiters but not cached. */
const MIN_CACHEABLE_LIFETIME_MS = 2_000;

export interface GetTokenOptions {
  /** Stop waiting when this fires; the shared fetch goes on for other callers. */
  signal?: AbortSignal;
  /** This caller's deadline; default `waitTimeoutMs` (15 s). */
  timeoutMs?: number;
  /** Scopes for this call (its own cache key); default the module's `scope`. */
  scope?: string | readonly string[];
}

export interface ServiceTokenStatus {
  client: string;
  scope: string;
  /** `fresh`: served as is; `stale`: served while refreshing; `none`: the next call must fetch. */
  state: 'fresh' | 'stale' | 'none';
  /** Seconds until the held token expires. */
  expiresInSeconds?: number;
  circuit: 'open' | 'closed';
  /** While the circuit is open: milliseconds until the next attempt. */
  retryInMs: number;
  inflight: boolean;
  /** Monotonic time of the last successful fetch. */
  lastSuccessAt?: number;
  lastError?: { code: string; status?: number; oauthError?: string; message: string };
}

interface CacheEntry {
  readonly scope: string;
  readonly circuit: CircuitBreaker;
  token?: CachedToken;
  inflight?: Promise<CachedToken>;
  /** Why the next fetch happens when the token was dropped on purpose. */
  nextTrigger?: TokenRequestTrigger;
  lastForcedAt?: number;
  lastSuccessAt?: number;
}

/**
 * This service's own client-credentials token: cached per scope set, refreshed ahead of expiry,
 * fetched once for any number of concurrent callers, retried and circuit-broken when Keycloak
 * struggles. Framework-free: Nest provides it through `ServiceTokenModule`, anything else can
 * `new` it.
 */
export class ServiceTokenService {
  /** The module's `name`, else the client id; the `client` label of every event. */
  readonly client: string;
  readonly clientId: string;
  readonly tokenEndpoint: string;
  readonly #options: ResolvedServiceTokenOptions;
  readonly #auth: ClientAuthentication;
  readonly #endpoint: TokenEndpointClient;
  readonly #events = new ServiceTokenEvents();
  readonly #counters = new ServiceTokenCounters();
  readonly #entries: LRUCache<string, CacheEntry>;
  readonly #warned = new Set<string>();

  constructor(options: ServiceTokenModuleOptions, name?: string) {
    this.#options = resolveServiceTokenOptions(options);
    this.clientId = this.#options.clientId;
    this.tokenEndpoint = this.#options.tokenEndpoint;
    this.client = name ?? this.clientId;
    this.#auth = new ClientAuthentication(
      this.clientId,
      this.#options.authMethod,
      this.#options.credential,
    );
    this.#endpoint = new TokenEndpointClient(this.#options, this.#auth);
    this.#entries = new LRUCache({ max: this.#options.maxCacheKeys });
    this.#events.subscribe((event) => this.#counters.record(event));
  }

  /**
   * A token with at least the minimum validity left. Served from the cache when fresh; when
   * stale, served at once while one background refresh runs; otherwise fetched once for all
   * concurrent callers.
   */
  getToken(options: GetTokenOptions = {}): Promise<string> {
    const key = options.scope === undefined ? this.#options.scope : normalizeScope(options.scope);
    return this.tokenFor(this.entry(key), options);
  }

  /**
   * Drops `token` from the cache if it is still the cached one; the next call fetches anew.
   * Returns whether it was dropped.
   */
  invalidate(token: string): boolean {
    const entry = this.entryHolding(token);
    if (!entry?.token) return false;
    this.drop(entry, 'manual');
    return true;
  }

  /**
   * The 401 rule for HTTP integrations (semantics 5): drop `rejectedToken` only if it is still
   * the cached one and no forced refresh happened for this key in `forcedRefreshIntervalMs`;
   * then, for a replayable request, return a newer token to replay with (or undefined: do not
   * replay). A 403 must never come here.
   */
  async recoverFromUnauthorized(
    rejectedToken: string,
    options: { replayable: boolean; signal?: AbortSignal },
  ): Promise<string | undefined> {
    const holder = this.entryHolding(rejectedToken);
    const entry = holder ?? this.entry(this.#options.scope);
    const now = this.#options.clock.now();
    if (holder) {
      const recent =
        entry.lastForcedAt !== undefined &&
        now - entry.lastForcedAt < this.#options.forcedRefreshIntervalMs;
      if (recent) return this.unauthorized(entry, 'no_newer_token');
      entry.lastForcedAt = now;
      this.drop(entry, 'unauthorized');
    }
    if (!options.replayable) return this.unauthorized(entry, 'not_replayable');
    let fresh: string;
    try {
      fresh = await this.tokenFor(entry, { signal: options.signal });
    } catch {
      return this.unauthorized(entry, 'refresh_failed');
    }
    if (fresh === rejectedToken) return this.unauthorized(entry, 'no_newer_token');
    this.unauthorized(entry, 'replayed');
    return fresh;
  }

  /** Observe every event (§3.8 names); returns a function that unsubscribes. */
  subscribe(listener: ServiceTokenListener): () => void {
    return this.#events.subscribe(listener);
  }

  /** The §3.8 counters so far (token requests, cache lookups, 401 recoveries). */
  counters(): CounterSample[] {
    return this.#counters.snapshot();
  }

  /** Health and gauges of one cache key (default: the module's scope). */
  status(scope?: string | readonly string[]): ServiceTokenStatus {
    const key = scope === undefined ? this.#options.scope : normalizeScope(scope);
    return this.statusOf(key, this.#entries.peek(key));
  }

  /** `status()` of every cache key in use. */
  statuses(): ServiceTokenStatus[] {
    return [...this.#entries.entries()].map(([key, entry]) => this.statusOf(key, entry));
  }

  toString(): string {
    return `ServiceTokenService(${this.client})`;
  }

  private statusOf(scope: string, entry: CacheEntry | undefined): ServiceTokenStatus {
    const now = this.#options.clock.now();
    const token = entry?.token;
    const usable = token !== undefined && now < token.schedule.usableUntil;
    const retryInMs = entry?.circuit.remainingMs(now) ?? 0;
    const error = entry?.circuit.lastError;
    return {
      client: this.client,
      scope,
      state: !usable ? 'none' : now < token.schedule.refreshAt ? 'fresh' : 'stale',
      expiresInSeconds: usable ? (token.schedule.expiresAt - now) / 1000 : undefined,
      circuit: retryInMs > 0 ? 'open' : 'closed',
      retryInMs,
      inflight: entry?.inflight !== undefined,
      lastSuccessAt: entry?.lastSuccessAt,
      lastError: error && {
        code: error.code,
        status: error instanceof TokenEndpointError ? error.status : undefined,
        oauthError: error instanceof TokenEndpointError ? error.oauthError : undefined,
        message: error.message,
      },
    };
  }

  private tokenFor(entry: CacheEntry, options: GetTokenOptions): Promise<string> {
    if (options.signal?.aborted) {
      return Promise.reject(new TokenWaitAbortedError({ cause: options.signal.reason }));
    }
    const now = this.#options.clock.now();
    const token = entry.token;
    if (token && now < token.schedule.usableUntil) {
      if (now < token.schedule.refreshAt) {
        this.lookup(entry, 'hit');
      } else {
        this.lookup(entry, 'stale_hit');
        this.refreshInBackground(entry, now);
      }
      return Promise.resolve(token.value);
    }
    entry.token = undefined;
    return this.wait(this.acquire(entry, now), options);
  }

  private acquire(entry: CacheEntry, now: number): Promise<CachedToken> {
    if (entry.inflight) {
      this.lookup(entry, 'coalesced');
      return entry.inflight;
    }
    const retryInMs = entry.circuit.remainingMs(now);
    const lastError = entry.circuit.lastError;
    if (retryInMs > 0 && lastError) {
      this.lookup(entry, 'rejected');
      return Promise.reject(
        new TokenUnavailableError(this.clientId, retryInMs, entry.lastSuccessAt, lastError),
      );
    }
    this.lookup(entry, 'miss');
    return this.startFetch(entry, entry.nextTrigger ?? 'miss');
  }

  private refreshInBackground(entry: CacheEntry, now: number): void {
    if (entry.inflight || entry.circuit.remainingMs(now) > 0) return;
    void this.startFetch(entry, 'refresh_ahead');
  }

  /** One shared fetch per key; its rejection goes to its waiters and is never cached. */
  private startFetch(entry: CacheEntry, trigger: TokenRequestTrigger): Promise<CachedToken> {
    entry.nextTrigger = undefined;
    const fetch = this.fetchWithRetries(entry, trigger).then(
      (grant) => this.store(entry, grant, trigger),
      (error: unknown) => {
        throw this.recordFailure(entry, error, trigger);
      },
    );
    entry.inflight = fetch;
    const clear = () => {
      if (entry.inflight === fetch) entry.inflight = undefined;
    };
    fetch.then(clear, clear);
    return fetch;
  }

  private async fetchWithRetries(
    entry: CacheEntry,
    trigger: TokenRequestTrigger,
  ): Promise<TokenGrant> {
    const { clock, maxAttempts, totalTimeoutMs, attemptTimeoutMs } = this.#options;
    const deadline = clock.now() + totalTimeoutMs;
    let budget = maxAttempts;
    let reloaded = false;
    for (let attempt = 1; ; attempt++) {
      const startedAt = clock.now();
      try {
        const grant = await this.#endpoint.request(
          entry.scope,
          Math.min(attemptTimeoutMs, deadline - startedAt),
        );
        this.request(entry, trigger, attempt, startedAt, 'success', grant.status);
        return grant;
      } catch (error) {
        if (!(error instanceof ServiceTokenError)) throw error;
        if (error instanceof TokenEndpointError) {
          this.request(entry, trigger, attempt, startedAt, 'error', error.status, errorType(error));
        } else if (error instanceof TokenEndpointUnreachableError) {
          const outcome = error.reason === 'timeout' ? 'timeout' : 'error';
          this.request(entry, trigger, attempt, startedAt, outcome, undefined, error.errorType);
        } else if (error instanceof TokenResponseInvalidError) {
          this.request(entry, trigger, attempt, startedAt, 'error', 200, error.code);
        }
        if (
          error instanceof TokenEndpointError &&
          error.credentialsRejected &&
          this.#auth.reloadable &&
          !reloaded
        ) {
          reloaded = true;
          const changed = await this.#auth.reload();
          this.emit(entry, { type: 'secret.reloaded', changed });
          if (changed && deadline - clock.now() > 0) {
            budget += 1;
            continue;
          }
        }
        const remaining = deadline - clock.now();
        if (!error.retryable || attempt >= budget || remaining <= 0) throw error;
        const retryAfter = error instanceof TokenEndpointError ? (error.retryAfterMs ?? 0) : 0;
        const delay = Math.max(this.backoffMs(attempt), retryAfter);
        if (delay >= remaining) throw error;
        await sleep(clock, delay);
      }
    }
  }

  /** Full jitter: random(0, min(backoffMaxMs, backoffBaseMs · 2^(attempt−1))). */
  private backoffMs(attempt: number): number {
    const { backoffBaseMs, backoffMaxMs, random } = this.#options;
    return random() * Math.min(backoffMaxMs, backoffBaseMs * 2 ** (attempt - 1));
  }

  private store(entry: CacheEntry, grant: TokenGrant, trigger: TokenRequestTrigger): CachedToken {
    const { clock, random, defaultLifetimeMs } = this.#options;
    const token = new CachedToken(
      grant.accessToken,
      scheduleToken(grant.sentAt, grant.lifetimeMs, this.#options, random),
    );
    const cached = grant.lifetimeMs >= MIN_CACHEABLE_LIFETIME_MS;
    if (cached) entry.token = token;
    else {
      this.warnOnce(
        'short',
        `Tokens of client "${this.clientId}" live ${grant.lifetimeMs / 1000} s, too short to cache; every call fetches one (still one request for concurrent callers). Raise the client's access token lifespan.`,
      );
    }
    if (grant.lifetimeSource === 'default') {
      this.warnOnce(
        'lifetime',
        `The token endpoint sent no usable expires_in and the token has no exp/iat; assuming ${defaultLifetimeMs / 1000} s.`,
      );
    }
    entry.lastSuccessAt = clock.now();
    if (entry.circuit.recordSuccess()) {
      this.emit(entry, { type: 'circuit.closed' });
      this.#options.logger?.log(`Token endpoint recovered for client "${this.client}"`);
    }
    this.emit(entry, {
      type: 'token.acquired',
      trigger,
      fingerprint: token.fingerprint,
      lifetimeSeconds: grant.lifetimeMs / 1000,
      lifetimeSource: grant.lifetimeSource,
      cached,
    });
    this.#options.logger?.debug?.(`Acquired ${token.toString()} for client "${this.client}"`);
    return token;
  }

  private recordFailure(entry: CacheEntry, error: unknown, trigger: TokenRequestTrigger): unknown {
    if (!(error instanceof ServiceTokenError)) return error;
    const now = this.#options.clock.now();
    const openForMs = entry.circuit.recordFailure(now, error);
    const servingStale = entry.token !== undefined && now < entry.token.schedule.usableUntil;
    this.emit(entry, { type: 'circuit.opened', openForMs, errorCode: errorType(error) });
    if (trigger === 'refresh_ahead') {
      this.emit(entry, {
        type: 'token.refresh_failed',
        servingStale,
        errorCode: errorType(error),
        nextAttemptInMs: openForMs,
      });
    }
    this.#options.logger?.warn(
      `${servingStale ? 'Background token refresh failed, serving the current token until its floor' : 'Token fetch failed'} (client "${this.client}", next attempt in ${openForMs} ms): ${error.message}`,
    );
    return error;
  }

  private wait(fetch: Promise<CachedToken>, options: GetTokenOptions): Promise<string> {
    const { clock, waitTimeoutMs } = this.#options;
    const { signal, timeoutMs = waitTimeoutMs } = options;
    return new Promise<string>((resolve, reject) => {
      const settle = () => {
        clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        settle();
        reject(new TokenWaitAbortedError({ cause: signal?.reason }));
      };
      const timer = clock.setTimeout(() => {
        settle();
        reject(new TokenWaitTimeoutError(timeoutMs));
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      fetch.then(
        (token) => {
          settle();
          resolve(token.value);
        },
        (error: Error) => {
          settle();
          reject(error);
        },
      );
    });
  }

  private entry(scope: string): CacheEntry {
    let entry = this.#entries.get(scope);
    if (!entry) {
      entry = { scope, circuit: new CircuitBreaker(this.#options) };
      this.#entries.set(scope, entry);
    }
    return entry;
  }

  private entryHolding(token: string): CacheEntry | undefined {
    for (const entry of this.#entries.values()) {
      if (entry.token?.value === token) return entry;
    }
    return undefined;
  }

  private drop(entry: CacheEntry, reason: 'manual' | 'unauthorized'): void {
    const token = entry.token!;
    entry.token = undefined;
    entry.nextTrigger = reason === 'manual' ? 'forced' : 'unauthorized_recovery';
    this.emit(entry, { type: 'token.invalidated', reason, fingerprint: token.fingerprint });
  }

  private unauthorized(entry: CacheEntry, outcome: UnauthorizedOutcome): undefined {
    this.emit(entry, {
      type: 'resource.unauthorized',
      recovered: outcome === 'replayed',
      outcome,
    });
    return undefined;
  }

  private lookup(
    entry: CacheEntry,
    result: 'hit' | 'stale_hit' | 'miss' | 'coalesced' | 'rejected',
  ) {
    this.emit(entry, { type: 'cache.lookup', result });
  }

  private request(
    entry: CacheEntry,
    trigger: TokenRequestTrigger,
    attempt: number,
    startedAt: number,
    outcome: TokenRequestOutcome,
    status?: number,
    errorType?: string,
  ): void {
    this.emit(entry, {
      type: 'token.request',
      trigger,
      outcome,
      attempt,
      durationMs: this.#options.clock.now() - startedAt,
      ...(status !== undefined ? { status } : {}),
      ...(errorType !== undefined ? { errorType } : {}),
    });
  }

  private emit(entry: CacheEntry, event: DistributiveOmit<ServiceTokenEvent, 'client' | 'scope'>) {
    this.#events.emit({ client: this.client, scope: entry.scope, ...event });
  }

  private warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#options.logger?.warn(message);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function errorType(error: ServiceTokenError): string {
  if (error instanceof TokenEndpointError) return error.oauthError ?? `http_${error.status}`;
  if (error instanceof TokenEndpointUnreachableError) return error.errorType;
  return error.code;
}
