import { isAxiosError, type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import type { ServiceTokenService } from './service-token.service';

/** Per-request settings of the service-token axios integration. */
export interface ServiceTokenRequestConfig {
  /** Replay once after a 401 even though the method is not idempotent (you vouch for it). */
  replayOnUnauthorized?: boolean;
  /** Set by the library on the replayed request; a replay is never replayed again. */
  replayed?: boolean;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    serviceToken?: ServiceTokenRequestConfig;
  }
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** The token each request was sent with, to tell "still the cached token" after a 401. */
const sentTokens = new WeakMap<InternalAxiosRequestConfig, string>();

/**
 * Attaches `Authorization: Bearer <token>` to every request of `instance` (a request whose token
 * cannot be obtained fails; it is never sent without one) and applies the 401 rule: the rejected
 * token is dropped only if it is still the cached one, forced refreshes are rate-limited, and
 * only replayable requests (idempotent method, an `Idempotency-Key` header, or
 * `serviceToken.replayOnUnauthorized`) are replayed, once. 403 passes through untouched.
 */
export function attachServiceToken(
  instance: AxiosInstance,
  tokens: ServiceTokenService,
): AxiosInstance {
  instance.interceptors.request.use(async (config) => {
    const token = await tokens.getToken({ signal: config.signal as AbortSignal | undefined });
    config.headers.set('Authorization', `Bearer ${token}`);
    sentTokens.set(config, token);
    return config;
  });
  instance.interceptors.response.use(undefined, async (error: unknown) => {
    if (!isAxiosError(error) || error.response?.status !== 401 || !error.config) throw error;
    const config = error.config;
    const sent = sentTokens.get(config);
    if (sent === undefined || config.serviceToken?.replayed) throw error;
    const fresh = await tokens.recoverFromUnauthorized(sent, {
      replayable: isReplayable(config),
      signal: config.signal as AbortSignal | undefined,
    });
    if (fresh === undefined) throw error;
    return instance.request({
      ...config,
      serviceToken: { ...config.serviceToken, replayed: true },
    });
  });
  return instance;
}

function isReplayable(config: InternalAxiosRequestConfig): boolean {
  const data: unknown = config.data;
  if (typeof (data as { pipe?: unknown } | null)?.pipe === 'function') return false;
  const method = (config.method ?? 'get').toUpperCase();
  return (
    IDEMPOTENT_METHODS.has(method) ||
    config.headers.has('Idempotency-Key') ||
    config.serviceToken?.replayOnUnauthorized === true
  );
}
