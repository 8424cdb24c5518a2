import { Registry } from 'prom-client';
import { startFakeTokenEndpoint, tokenReply, type FakeTokenEndpoint } from '@app/auth/testing';
import { ServiceTokenService } from '../caller/service-token.service.js';
import { exportServiceTokenMetrics } from './service-token.metrics.js';

describe('exportServiceTokenMetrics', () => {
  let endpoint: FakeTokenEndpoint;

  beforeAll(async () => {
    endpoint = await startFakeTokenEndpoint({ clients: { 'shop-api': 'metrics-spec-secret' } });
  });
  afterAll(() => endpoint.close());

  it('exports token requests, cache lookups, the lifetime, the time to live and the circuit', async () => {
    endpoint.enqueue(tokenReply({ expiresIn: 300 }));
    const tokens = new ServiceTokenService({
      realmUrl: endpoint.realmUrl,
      clientId: 'shop-api',
      clientSecret: 'metrics-spec-secret',
    });
    const registry = new Registry();
    exportServiceTokenMetrics(registry, tokens);
    await tokens.getToken();
    await tokens.getToken();

    const text = await registry.metrics();
    expect(text).toContain(
      'oauth_client_token_requests_total{client="shop-api",trigger="miss",outcome="success",error_type=""} 1',
    );
    expect(text).toContain(
      'oauth_client_token_cache_lookups_total{client="shop-api",result="miss"} 1',
    );
    expect(text).toContain(
      'oauth_client_token_cache_lookups_total{client="shop-api",result="hit"} 1',
    );
    expect(text).toContain('oauth_client_token_lifetime_seconds{client="shop-api"} 300');
    expect(text).toMatch(/oauth_client_token_ttl_seconds\{client="shop-api"\} 29\d/);
    expect(text).toContain('oauth_client_token_circuit_open{client="shop-api"} 0');
    expect(text).not.toContain('metrics-spec-secret');
    expect(text).not.toContain(endpoint.issued[0]);
  });
});
