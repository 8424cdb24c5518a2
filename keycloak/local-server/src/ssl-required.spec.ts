import { startLocalKeycloak } from './index.js';
import { httpsRequired } from './ssl-required.js';
import { postForm } from './testing/http-helpers.js';

describe('sslRequired (facts §10.1)', () => {
  it.each([
    ['none', '203.0.113.7', false],
    ['external', '127.0.0.1', false],
    ['external', '10.1.2.3', false],
    ['external', '172.18.0.5', false],
    ['external', '192.168.1.10', false],
    ['external', '169.254.1.1', false],
    ['external', '::1', false],
    ['external', 'fd00::5', false],
    ['external', '172.32.0.1', true],
    ['external', '203.0.113.7', true],
    ['external', '2001:db8::1', true],
    ['all', '127.0.0.1', true],
  ])('sslRequired %s, client %s → HTTPS required: %s', (mode, address, required) => {
    expect(httpsRequired(mode, address)).toBe(required);
  });

  it('refuses plain HTTP with 403 "HTTPS required" before any other check when sslRequired is all', async () => {
    const keycloak = await startLocalKeycloak({
      realms: [{ realm: 'strict', enabled: false, sslRequired: 'all' }],
      log: () => undefined,
    });
    try {
      const response = await postForm(`${keycloak.realmUrl()}/protocol/openid-connect/token`, {});
      expect([response.status, response.json]).toEqual([
        403,
        { error: 'invalid_request', error_description: 'HTTPS required' },
      ]);
    } finally {
      await keycloak.stop();
    }
  });
});
