import { Counter, Gauge, type Registry } from 'prom-client';
import type { ServiceTokenService } from '../caller/service-token.service.js';

/**
 * Exports the caller's instruments into `registry`, with Prometheus spelling of the
 * OpenTelemetry names (`oauth.client.token.requests` → `oauth_client_token_requests_total`):
 * token requests, cache lookups, 401s from resource servers, the last token's lifetime, and as
 * gauges read at scrape time the time to live of the held token and the circuit.
 */
export function exportServiceTokenMetrics(
  registry: Registry,
  tokens: ServiceTokenService,
): () => void {
  const requests = new Counter({
    name: 'oauth_client_token_requests_total',
    help: 'HTTP attempts at the token endpoint, by trigger and outcome',
    labelNames: ['client', 'trigger', 'outcome', 'error_type'],
    registers: [registry],
  });
  const lookups = new Counter({
    name: 'oauth_client_token_cache_lookups_total',
    help: 'getToken() calls, by how they were served (hit, stale_hit, miss, coalesced, rejected)',
    labelNames: ['client', 'result'],
    registers: [registry],
  });
  const unauthorized = new Counter({
    name: 'oauth_client_resource_unauthorized_total',
    help: '401 answers from resource servers, by whether a replay recovered them',
    labelNames: ['client', 'outcome'],
    registers: [registry],
  });
  const lifetime = new Gauge({
    name: 'oauth_client_token_lifetime_seconds',
    help: 'Lifetime of the token most recently obtained',
    labelNames: ['client'],
    registers: [registry],
  });
  new Gauge({
    name: 'oauth_client_token_ttl_seconds',
    help: 'Seconds until the cached token expires (0 when none is held)',
    labelNames: ['client'],
    registers: [registry],
    collect() {
      this.set({ client: tokens.client }, tokens.status().expiresInSeconds ?? 0);
    },
  });
  new Gauge({
    name: 'oauth_client_token_circuit_open',
    help: '1 while the token endpoint circuit is open',
    labelNames: ['client'],
    registers: [registry],
    collect() {
      this.set({ client: tokens.client }, tokens.status().circuit === 'open' ? 1 : 0);
    },
  });
  return tokens.subscribe((event) => {
    switch (event.type) {
      case 'token_request':
        requests.inc({
          client: event.client,
          trigger: event.trigger,
          outcome: event.outcome,
          error_type: event.errorType ?? '',
        });
        return;
      case 'cache_lookup':
        lookups.inc({ client: event.client, result: event.result });
        return;
      case 'resource_unauthorized':
        unauthorized.inc({ client: event.client, outcome: event.outcome });
        return;
      case 'token_acquired':
        lifetime.set({ client: event.client }, event.lifetimeSeconds);
        return;
      default:
        return;
    }
  });
}
