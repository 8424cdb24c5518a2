import { Counter, type Registry } from 'prom-client';
import type { KeycloakAuthEvent, KeycloakAuthEvents } from '../receiver/keycloak-auth.events.js';

/**
 * Exports what the receiver observes into `registry`: `auth_token_validations_total`, one per
 * request decided by the guard (outcome, status, reason, verified-token cache hit or miss), and
 * `auth_jwks_fetches_total`, one per JWKS request. Returns the function that stops it.
 */
export function exportKeycloakAuthMetrics(
  registry: Registry,
  events: KeycloakAuthEvents,
): () => void {
  const validations = new Counter({
    name: 'auth_token_validations_total',
    help: 'Requests decided by the auth guard, by outcome, HTTP status, reason and cache use',
    labelNames: ['outcome', 'status', 'reason', 'cache'] as const,
    registers: [registry],
  });
  const jwksFetches = new Counter({
    name: 'auth_jwks_fetches_total',
    help: 'Requests to the JWKS endpoint, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  // One child per label combination, found by a string key: the hot path (an accepted request)
  // costs a map lookup and an increment.
  const children = new Map<string, { inc(): void }>();
  return events.subscribe((event: KeycloakAuthEvent) => {
    if (event.type === 'jwks_fetch') {
      jwksFetches.inc({ outcome: event.outcome });
      return;
    }
    const status = event.status ?? (event.outcome === 'accepted' ? 200 : 0);
    const reason = event.reason ?? '';
    const cache = event.cache ?? 'none';
    const key = `${event.outcome} ${status} ${reason} ${cache}`;
    let child = children.get(key);
    if (!child) {
      child = validations.labels({ outcome: event.outcome, status, reason, cache });
      children.set(key, child);
    }
    child.inc();
  });
}
