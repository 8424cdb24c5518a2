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

/**
 * Everything observable about the caller, named after `caller-anchors.md` §3.8. Payloads carry
 * fingerprints, never tokens or secrets.
 */
export type ServiceTokenEvent = EventBase &
  (
    | {
        type: 'token.request';
        trigger: TokenRequestTrigger;
        outcome: TokenRequestOutcome;
        attempt: number;
        durationMs: number;
        status?: number;
        /** OAuth `error`, network error code, or `timeout`. */
        errorType?: string;
      }
    | { type: 'cache.lookup'; result: CacheLookupResult }
    | {
        type: 'token.acquired';
        trigger: TokenRequestTrigger;
        fingerprint: string;
        lifetimeSeconds: number;
        lifetimeSource: 'expires_in' | 'jwt' | 'default';
        /** False when the lifetime is too short to cache (< 2 s). */
        cached: boolean;
      }
    | {
        type: 'token.refresh_failed';
        servingStale: boolean;
        errorCode: string;
        nextAttemptInMs: number;
      }
    | { type: 'token.invalidated'; reason: 'unauthorized' | 'manual'; fingerprint: string }
    | { type: 'secret.reloaded'; changed: boolean }
    | { type: 'circuit.opened'; openForMs: number; errorCode: string }
    | { type: 'circuit.closed' }
    | { type: 'resource.unauthorized'; recovered: boolean; outcome: UnauthorizedOutcome }
  );

export type ServiceTokenEventType = ServiceTokenEvent['type'];
export type ServiceTokenListener = (event: ServiceTokenEvent) => void;

/** OpenTelemetry-style instrument names (§3.8); Prometheus: dots → `_`, counters end in `_total`. */
export const SERVICE_TOKEN_METRICS = {
  tokenRequests: 'oauth.client.token.requests',
  tokenRequestDuration: 'oauth.client.token.request.duration',
  cacheLookups: 'oauth.client.token.cache.lookups',
  tokenLifetime: 'oauth.client.token.lifetime',
  tokenTtl: 'oauth.client.token.ttl',
  inflight: 'oauth.client.token.inflight',
  circuitState: 'oauth.client.token.circuit.state',
  resourceUnauthorized: 'oauth.client.resource.unauthorized',
} as const;

export interface CounterSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A tiny synchronous event bus; a throwing listener never breaks token acquisition. */
export class ServiceTokenEvents {
  readonly #listeners = new Set<ServiceTokenListener>();

  /** Returns a function that unsubscribes. */
  subscribe(listener: ServiceTokenListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: ServiceTokenEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // Observers must not change the outcome of a token request.
      }
    }
  }
}

/** Counts the events into the §3.8 counters, so an app can read them without subscribing. */
export class ServiceTokenCounters {
  readonly #samples = new Map<string, CounterSample>();

  record(event: ServiceTokenEvent): void {
    const base = { client: event.client, scope: event.scope };
    switch (event.type) {
      case 'token.request':
        this.add(SERVICE_TOKEN_METRICS.tokenRequests, {
          ...base,
          trigger: event.trigger,
          outcome: event.outcome,
          ...(event.errorType ? { 'error.type': event.errorType } : {}),
        });
        return;
      case 'cache.lookup':
        this.add(SERVICE_TOKEN_METRICS.cacheLookups, { ...base, result: event.result });
        return;
      case 'resource.unauthorized':
        this.add(SERVICE_TOKEN_METRICS.resourceUnauthorized, {
          ...base,
          recovered: String(event.recovered),
        });
        return;
      default:
        return;
    }
  }

  snapshot(): CounterSample[] {
    return [...this.#samples.values()].map((s) => ({ ...s, labels: { ...s.labels } }));
  }

  private add(name: string, labels: Record<string, string>): void {
    const key = `${name}${JSON.stringify(labels)}`;
    const sample = this.#samples.get(key) ?? { name, labels, value: 0 };
    sample.value += 1;
    this.#samples.set(key, sample);
  }
}
