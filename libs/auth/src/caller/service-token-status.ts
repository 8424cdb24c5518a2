import { TokenEndpointError } from './service-token.errors.js';
import type { CacheEntry } from './token-cache.js';

/** Health and gauges of one cache key. */
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

/** The status of `entry` (undefined: a key never used) at monotonic time `now`. */
export function tokenStatus(
  client: string,
  scope: string,
  entry: CacheEntry | undefined,
  now: number,
): ServiceTokenStatus {
  const token = entry?.token;
  const usable = token !== undefined && now < token.schedule.usableUntil;
  const retryInMs = entry?.circuit.remainingMs(now) ?? 0;
  const error = entry?.circuit.lastError;
  return {
    client,
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
