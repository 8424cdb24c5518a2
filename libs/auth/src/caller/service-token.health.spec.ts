import { TestClock, startFakeTokenEndpoint, type FakeTokenEndpoint } from '@app/auth/testing';
import { ServiceTokenHealthIndicator, ServiceTokenService } from './index.js';

const SECRET = 'health-spec-secret';

describe('ServiceTokenHealthIndicator', () => {
  let endpoint: FakeTokenEndpoint;

  beforeAll(async () => {
    endpoint = await startFakeTokenEndpoint({ clients: { 'shop-api': SECRET } });
  });
  afterAll(() => endpoint.close());

  it('warms up: a check without a token fetches one; later checks use the cached token', async () => {
    const start = endpoint.requests.length;
    const tokens = new ServiceTokenService({
      realmUrl: endpoint.realmUrl,
      clientId: 'shop-api',
      clientSecret: SECRET,
      clock: new TestClock(),
    });
    const indicator = new ServiceTokenHealthIndicator(tokens);
    expect(await indicator.isHealthy()).toEqual({
      'service-token': {
        status: 'up',
        client: 'shop-api',
        token: 'fresh',
        expiresInSeconds: 300,
        circuit: 'closed',
      },
    });
    await indicator.isHealthy();
    expect(endpoint.requests.length - start).toBe(1);
  });

  it('is down with the error code and OAuth error when no token can be had, then up again', async () => {
    const clock = new TestClock();
    const start = endpoint.requests.length;
    endpoint.setClientSecret('health-client', 'rotated-away');
    const tokens = new ServiceTokenService({
      realmUrl: endpoint.realmUrl,
      clientId: 'health-client',
      clientSecret: SECRET,
      clock,
    });
    const indicator = new ServiceTokenHealthIndicator(tokens);
    expect(await indicator.isHealthy('keycloak-token')).toEqual({
      'keycloak-token': {
        status: 'down',
        client: 'health-client',
        error: 'SERVICE_TOKEN_ENDPOINT_REJECTED',
        oauthError: 'unauthorized_client',
        circuit: 'open',
      },
    });
    expect(await indicator.isHealthy('keycloak-token')).toMatchObject({
      'keycloak-token': { status: 'down', error: 'SERVICE_TOKEN_UNAVAILABLE' },
    });
    expect(endpoint.requests.length - start).toBe(1); // probes do not hammer Keycloak

    endpoint.setClientSecret('health-client', SECRET);
    await clock.advance(5_000);
    expect(await indicator.isHealthy('keycloak-token')).toMatchObject({
      'keycloak-token': { status: 'up', circuit: 'closed' },
    });
  });
});
