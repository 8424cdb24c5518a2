import { EventChannel } from '../shared/event-channel.js';
import type { KeycloakAuthErrorCode, KeycloakAuthErrorReason } from './keycloak-auth.errors.js';

/** One request decided by the guard. `cache` says whether token verification was skipped. */
export interface ValidationEvent {
  readonly type: 'validation';
  readonly outcome: 'accepted' | 'rejected';
  /** HTTP status of a rejection. */
  readonly status?: number;
  readonly code?: KeycloakAuthErrorCode;
  readonly reason?: KeycloakAuthErrorReason;
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

export type KeycloakAuthEvent = ValidationEvent | JwksFetchEvent;

/**
 * What the receiver does, as events an app can count (`@app/auth/metrics` turns them into
 * Prometheus counters). Events never carry a token or a claim other than the caller's client id.
 */
export class KeycloakAuthEvents extends EventChannel<KeycloakAuthEvent> {}
