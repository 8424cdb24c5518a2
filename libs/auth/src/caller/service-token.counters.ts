import type { ServiceTokenEvent } from './service-token.events.js';

/** OpenTelemetry-style instrument names; Prometheus: dots → `_`, counters end in `_total`. */
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

/** Counts the events into the counters above, so an app can read them without subscribing. */
export class ServiceTokenCounters {
  private readonly samples = new Map<string, CounterSample>();

  record(event: ServiceTokenEvent): void {
    const base = { client: event.client, scope: event.scope };
    switch (event.type) {
      case 'token_request':
        this.add(SERVICE_TOKEN_METRICS.tokenRequests, {
          ...base,
          trigger: event.trigger,
          outcome: event.outcome,
          ...(event.errorType ? { 'error.type': event.errorType } : {}),
        });
        return;
      case 'cache_lookup':
        this.add(SERVICE_TOKEN_METRICS.cacheLookups, { ...base, result: event.result });
        return;
      case 'resource_unauthorized':
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
    return [...this.samples.values()].map((s) => ({ ...s, labels: { ...s.labels } }));
  }

  private add(name: string, labels: Record<string, string>): void {
    const key = `${name}${JSON.stringify(labels)}`;
    const sample = this.samples.get(key) ?? { name, labels, value: 0 };
    sample.value += 1;
    this.samples.set(key, sample);
  }
}
