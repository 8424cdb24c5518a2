import { ServiceTokenService } from './service-token.service.js';
import { ServiceTokenHealthIndicator } from './service-token.health.js';

/**
 * Provider token of a client's `ServiceTokenService`: the class itself for the unnamed client,
 * a namespaced string for `forRoot({ name })`.
 */
export function getServiceTokenServiceToken(name?: string): string | typeof ServiceTokenService {
  return name === undefined ? ServiceTokenService : `SERVICE_TOKEN:${name}:ServiceTokenService`;
}

/** Provider token of a client's `ServiceTokenHealthIndicator`. */
export function getServiceTokenHealthIndicatorToken(
  name?: string,
): string | typeof ServiceTokenHealthIndicator {
  return name === undefined
    ? ServiceTokenHealthIndicator
    : `SERVICE_TOKEN:${name}:ServiceTokenHealthIndicator`;
}
