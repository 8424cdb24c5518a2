import { Logger } from '@nestjs/common';
import type { ServiceAuthEvents, ServiceTokenService } from '@app/auth';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Exports what the receiver half observes: one counter sample per request decided by the guard
 * (outcome, status, reason, verified-token cache hit or miss) and one per JWKS fetch.
 */
export function exportServiceAuthMetrics(registry: Registry, events: ServiceAuthEvents): void {
  const validations = new Counter({
    name: 'auth_token_validations_total',
    help: 'Requests decided by the auth guard, by outcome, HTTP status, reason and cache use',
    labelNames: ['outcome', 'status', 'reason', 'cache'],
    registers: [registry],
  });
  const jwksFetches = new Counter({
    name: 'auth_jwks_fetches_total',
    help: 'Requests to the JWKS endpoint, by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  events.subscribe((event) => {
    if (event.type === 'validation') {
      validations.inc({
        outcome: event.outcome,
        status: event.status ?? (event.outcome === 'accepted' ? 200 : 0),
        reason: event.reason ?? '',
        cache: event.cache ?? 'none',
      });
    } else {
      jwksFetches.inc({ outcome: event.outcome });
    }
  });
}

/**
 * Exports the caller half's instruments (caller-anchors §3.8 names with Prometheus spelling) and
 * logs each token acquisition by fingerprint, never the token.
 */
export function exportServiceTokenMetrics(registry: Registry, tokens: ServiceTokenService): void {
  const logger = new Logger('ServiceToken');
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
  tokens.subscribe((event) => {
    switch (event.type) {
      case 'token.request':
        requests.inc({
          client: event.client,
          trigger: event.trigger,
          outcome: event.outcome,
          error_type: event.errorType ?? '',
        });
        return;
      case 'cache.lookup':
        lookups.inc({ client: event.client, result: event.result });
        return;
      case 'resource.unauthorized':
        unauthorized.inc({ client: event.client, outcome: event.outcome });
        return;
      case 'token.acquired':
        lifetime.set({ client: event.client }, event.lifetimeSeconds);
        logger.log(
          `service token obtained for ${event.client} (${event.trigger}): ${event.fingerprint}, lifetime ${event.lifetimeSeconds}s`,
        );
        return;
      default:
        return;
    }
  });
}
