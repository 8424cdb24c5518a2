import { Registry } from 'prom-client';
import { KeycloakAuthEvents } from '../receiver/keycloak-auth.events.js';
import { exportKeycloakAuthMetrics } from './keycloak-auth.metrics.js';

describe('exportKeycloakAuthMetrics', () => {
  it('counts decided requests by outcome, status, reason and cache, and JWKS fetches', async () => {
    const registry = new Registry();
    const events = new KeycloakAuthEvents();
    const stop = exportKeycloakAuthMetrics(registry, events);
    events.emit({ type: 'validation', outcome: 'accepted', cache: 'hit', caller: 'shop-api' });
    events.emit({ type: 'validation', outcome: 'accepted', cache: 'hit', caller: 'shop-api' });
    events.emit({
      type: 'validation',
      outcome: 'rejected',
      status: 401,
      code: 'AUTH_TOKEN_INVALID',
      reason: 'expired',
      cache: 'miss',
    });
    events.emit({ type: 'validation', outcome: 'rejected', status: 401, reason: 'no_credentials' });
    events.emit({ type: 'jwks_fetch', outcome: 'success', keys: 1, changed: true });
    stop();
    events.emit({ type: 'jwks_fetch', outcome: 'failure', error: 'after stop' });

    const text = await registry.metrics();
    // Counted once, however often it is read.
    expect(await registry.metrics()).toBe(text);
    expect(text).toContain(
      'auth_token_validations_total{outcome="accepted",status="200",reason="",cache="hit"} 2',
    );
    expect(text).toContain(
      'auth_token_validations_total{outcome="rejected",status="401",reason="expired",cache="miss"} 1',
    );
    expect(text).toContain(
      'auth_token_validations_total{outcome="rejected",status="401",reason="no_credentials",cache="none"} 1',
    );
    expect(text).toContain('auth_jwks_fetches_total{outcome="success"} 1');
    expect(text).not.toContain('outcome="failure"');
  });
});
