import { CachedToken } from './cached-token.js';
import { ServiceTokenError, errorTypeOf } from './service-token.errors.js';
import type { ServiceTokenEvents, TokenRequestTrigger } from './service-token.events.js';
import type { ResolvedServiceTokenOptions, ServiceTokenLogger } from './service-token.options.js';
import type { CacheEntry } from './token-cache.js';
import type { TokenGrant } from './token-endpoint-client.js';
import { scheduleToken } from './token-lifetime.js';

/** Tokens living shorter than this are handed to their waiters but not cached. */
const MIN_CACHEABLE_LIFETIME_MS = 2_000;

/**
 * What a finished fetch leaves behind (ADR 0004): on success the token is scheduled and cached
 * and the circuit closes; on failure the circuit opens. Events and log lines for both.
 */
export class FetchResults {
  private readonly warned = new Set<string>();

  constructor(
    private readonly options: ResolvedServiceTokenOptions,
    private readonly events: ServiceTokenEvents,
  ) {}

  succeeded(entry: CacheEntry, grant: TokenGrant, trigger: TokenRequestTrigger): CachedToken {
    const { clock, random, defaultLifetimeMs, clientId } = this.options;
    const token = new CachedToken(
      grant.accessToken,
      scheduleToken(grant.sentAt, grant.lifetimeMs, this.options, random),
    );
    const cached = grant.lifetimeMs >= MIN_CACHEABLE_LIFETIME_MS;
    if (cached) entry.token = token;
    else {
      this.warnOnce(
        'short',
        `Tokens of client "${clientId}" live ${grant.lifetimeMs / 1000} s, too short to cache; every call fetches one (still one request for concurrent callers). Raise the client's access token lifespan.`,
      );
    }
    if (grant.lifetimeSource === 'default') {
      this.warnOnce(
        'lifetime',
        `The token endpoint sent no usable expires_in and the token has no exp/iat; assuming ${defaultLifetimeMs / 1000} s.`,
      );
    }
    entry.lastSuccessAt = clock.monotonic();
    if (entry.circuit.recordSuccess()) {
      this.events.emitFor(entry, { type: 'circuit_closed' });
      this.logger?.log(`Token endpoint recovered for client "${this.events.client}"`);
    }
    this.events.emitFor(entry, {
      type: 'token_acquired',
      trigger,
      fingerprint: token.fingerprint,
      lifetimeSeconds: grant.lifetimeMs / 1000,
      lifetimeSource: grant.lifetimeSource,
      cached,
    });
    this.logger?.log(
      `service token obtained for ${this.events.client} (${trigger}): ${token.fingerprint}, lifetime ${grant.lifetimeMs / 1000}s`,
    );
    return token;
  }

  /** Records the failure of a fetch; returns the error for its waiters. */
  failed(entry: CacheEntry, error: unknown, trigger: TokenRequestTrigger): unknown {
    if (!(error instanceof ServiceTokenError)) return error;
    const now = this.options.clock.monotonic();
    const openForMs = entry.circuit.recordFailure(now, error);
    const servingStale = entry.token !== undefined && now < entry.token.schedule.usableUntil;
    this.events.emitFor(entry, {
      type: 'circuit_opened',
      openForMs,
      errorCode: errorTypeOf(error),
    });
    if (trigger === 'refresh_ahead') {
      this.events.emitFor(entry, {
        type: 'token_refresh_failed',
        servingStale,
        errorCode: errorTypeOf(error),
        nextAttemptInMs: openForMs,
      });
    }
    this.logger?.warn(
      `${servingStale ? 'Background token refresh failed, serving the current token until its floor' : 'Token fetch failed'} (client "${this.events.client}", next attempt in ${openForMs} ms): ${error.message}`,
    );
    return error;
  }

  private get logger(): ServiceTokenLogger | undefined {
    return this.options.logger;
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.logger?.warn(message);
  }
}
