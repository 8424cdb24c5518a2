import { isAxiosError } from 'axios';
// The types @nestjs/axios (an ES module) is built on, also when this file compiles as CommonJS:
// `HttpService.axiosRef` and the instances given here are then of one type.
import type { AxiosInstance, InternalAxiosRequestConfig } from 'axios' with {
  'resolution-mode': 'import',
};
import type { ServiceTokenService } from './service-token.service.js';

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** The token each request was sent with, to tell "still the cached token" after a 401. */
const sentTokens = new WeakMap<InternalAxiosRequestConfig, string>();

/** Marks the replay of a request in its config (axios keeps unknown keys), so it is never replayed again. */
const REPLAYED = 'serviceTokenReplayed';
type ReplayMark = { [REPLAYED]?: true };

/**
 * Attaches `Authorization: Bearer <token>` to every request of `instance` (a request whose token
 * cannot be obtained fails; it is never sent without one) and applies the 401 rule: the rejected
 * token is dropped only if it is still the cached one, forced refreshes are rate-limited, and
 * only replayable requests (idempotent method or an `Idempotency-Key` header) are replayed,
 * once. 403 passes through untouched.
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
    if (sent === undefined || (config as ReplayMark)[REPLAYED]) throw error;
    const fresh = await tokens.recoverFromUnauthorized(sent, {
      replayable: isReplayable(config),
      signal: config.signal as AbortSignal | undefined,
    });
    if (fresh === undefined) throw error;
    const replay: InternalAxiosRequestConfig & ReplayMark = { ...config, [REPLAYED]: true };
    return instance.request(replay);
  });
  return instance;
}

function isReplayable(config: InternalAxiosRequestConfig): boolean {
  const data: unknown = config.data;
  if (typeof (data as { pipe?: unknown } | null)?.pipe === 'function') return false;
  const method = (config.method ?? 'get').toUpperCase();
  return IDEMPOTENT_METHODS.has(method) || config.headers.has('Idempotency-Key');
}
