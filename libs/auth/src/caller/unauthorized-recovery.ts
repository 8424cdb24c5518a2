import type { ServiceTokenEvents, UnauthorizedOutcome } from './service-token.events.js';
import type { CacheEntry, TokenCache } from './token-cache.js';

/** What the 401 rule needs of the service it belongs to. */
export interface RecoverySource {
  readonly cache: TokenCache;
  readonly defaultScope: string;
  readonly forcedRefreshIntervalMs: number;
  monotonic(): number;
  /** Drops the entry's token; the next fetch says why. */
  drop(entry: CacheEntry, reason: 'manual' | 'unauthorized'): void;
  /** A token for the entry as `getToken()` would serve it. */
  tokenFor(entry: CacheEntry, signal?: AbortSignal): Promise<string>;
}

/**
 * The 401 rule for HTTP integrations (ADR 0005): the rejected token is dropped only if it is
 * still the cached one, at most one forced refresh per key per `forcedRefreshIntervalMs`, and a
 * newer token is returned only for a replayable request. A 403 never comes here.
 */
export class UnauthorizedRecovery {
  constructor(
    private readonly source: RecoverySource,
    private readonly events: ServiceTokenEvents,
  ) {}

  /** A newer token to replay the request with, or undefined: do not replay. */
  async recover(
    rejectedToken: string,
    options: { replayable: boolean; signal?: AbortSignal },
  ): Promise<string | undefined> {
    const { cache, defaultScope, forcedRefreshIntervalMs } = this.source;
    const holder = cache.holding(rejectedToken);
    const entry = holder ?? cache.entry(defaultScope);
    const now = this.source.monotonic();
    if (holder) {
      const recent =
        entry.lastForcedAt !== undefined && now - entry.lastForcedAt < forcedRefreshIntervalMs;
      if (recent) return this.outcome(entry, 'no_newer_token');
      entry.lastForcedAt = now;
      this.source.drop(entry, 'unauthorized');
    }
    if (!options.replayable) return this.outcome(entry, 'not_replayable');
    let fresh: string;
    try {
      fresh = await this.source.tokenFor(entry, options.signal);
    } catch {
      return this.outcome(entry, 'refresh_failed');
    }
    if (fresh === rejectedToken) return this.outcome(entry, 'no_newer_token');
    this.outcome(entry, 'replayed');
    return fresh;
  }

  private outcome(entry: CacheEntry, outcome: UnauthorizedOutcome): undefined {
    this.events.emitFor(entry, {
      type: 'resource_unauthorized',
      recovered: outcome === 'replayed',
      outcome,
    });
    return undefined;
  }
}
