import type { ServiceAuthErrorCode, ServiceAuthErrorReason } from './service-auth.errors.js';

/** One request decided by the guard. `cache` says whether token verification was skipped. */
export interface ValidationEvent {
  readonly type: 'validation';
  readonly outcome: 'accepted' | 'rejected';
  /** HTTP status of a rejection. */
  readonly status?: number;
  readonly code?: ServiceAuthErrorCode;
  readonly reason?: ServiceAuthErrorReason;
  /** Set when a token was looked up: `hit` served from the verified-token cache. */
  readonly cache?: 'hit' | 'miss';
  /** `azp` of an accepted (or valid but refused) token. */
  readonly caller?: string;
}

/** One request to the JWKS endpoint. */
export interface JwksFetchEvent {
  readonly type: 'jwks_fetch';
  readonly outcome: 'success' | 'failure';
  readonly keys?: number;
  /** True when the fetched key set differs from the one held (the token cache was flushed). */
  readonly changed?: boolean;
  readonly error?: string;
}

export type ServiceAuthEvent = ValidationEvent | JwksFetchEvent;
export type ServiceAuthListener = (event: ServiceAuthEvent) => void;

/**
 * What the receiver does, as events an app can count (e.g. into Prometheus counters by outcome
 * and reason). Events never carry a token or a claim other than the caller's client id.
 */
export class ServiceAuthEvents {
  private readonly listeners = new Set<ServiceAuthListener>();

  /** Registers a listener; returns the function that removes it. */
  subscribe(listener: ServiceAuthListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get observed(): boolean {
    return this.listeners.size > 0;
  }

  emit(event: ServiceAuthEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must never turn into an authentication decision.
      }
    }
  }
}
