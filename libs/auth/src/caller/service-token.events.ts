import { EventChannel } from '../shared/event-channel.js';

/** Why a token request was made. */
export type TokenRequestTrigger = 'miss' | 'refresh_ahead' | 'forced' | 'unauthorized_recovery';
/** How one HTTP attempt at the token endpoint ended. */
export type TokenRequestOutcome = 'success' | 'error' | 'timeout';
/** How a `getToken()` call was served. */
export type CacheLookupResult = 'hit' | 'stale_hit' | 'miss' | 'coalesced' | 'rejected';
/** What the HTTP integration did about a 401 from a resource server. */
export type UnauthorizedOutcome =
  'replayed' | 'not_replayable' | 'no_newer_token' | 'refresh_failed';

interface EventBase {
  /** The module's `name`, else the client id. */
  client: string;
  /** Normalised scope of the cache key (`''` for the client's defaults). */
  scope: string;
}

/** What one event says, before the client and the scope are stamped on it. */
export type ServiceTokenEventBody =
  | {
      type: 'token_request';
      trigger: TokenRequestTrigger;
      outcome: TokenRequestOutcome;
      attempt: number;
      durationMs: number;
      status?: number;
      /** OAuth `error`, network error code, or `timeout`. */
      errorType?: string;
    }
  | { type: 'cache_lookup'; result: CacheLookupResult }
  | {
      type: 'token_acquired';
      trigger: TokenRequestTrigger;
      fingerprint: string;
      lifetimeSeconds: number;
      lifetimeSource: 'expires_in' | 'jwt' | 'default';
      /** False when the lifetime is too short to cache (< 2 s). */
      cached: boolean;
    }
  | {
      type: 'token_refresh_failed';
      servingStale: boolean;
      errorCode: string;
      nextAttemptInMs: number;
    }
  | { type: 'token_invalidated'; reason: 'unauthorized' | 'manual'; fingerprint: string }
  | { type: 'secret_reloaded'; changed: boolean }
  | { type: 'circuit_opened'; openForMs: number; errorCode: string }
  | { type: 'circuit_closed' }
  | { type: 'resource_unauthorized'; recovered: boolean; outcome: UnauthorizedOutcome };

/**
 * Everything observable about the caller (the metric names they feed are in
 * service-token.counters.ts). Payloads carry fingerprints, never tokens or secrets.
 */
export type ServiceTokenEvent = EventBase & ServiceTokenEventBody;

/** The events of one client: each stamped with the client's name and the scope it concerns. */
export class ServiceTokenEvents extends EventChannel<ServiceTokenEvent> {
  constructor(readonly client: string) {
    super();
  }

  emitFor(entry: { readonly scope: string }, body: ServiceTokenEventBody): void {
    this.emit({ client: this.client, scope: entry.scope, ...body });
  }
}
