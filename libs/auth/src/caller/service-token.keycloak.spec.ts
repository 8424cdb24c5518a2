import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt } from 'jose';
import { DEFAULT_REALM_FILE, startLocalKeycloak, type LocalKeycloak } from '@app/keycloak-local';
import { ServiceTokenService, TokenEndpointError, type ServiceTokenOptions } from './index.js';

const SHOP_API_SECRET = 'caller-keycloak-spec-secret';
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicJwk = {
  ...publicKey.export({ format: 'jwk' }),
  kid: 'signer-key',
  alg: 'RS256',
  use: 'sig',
};

/** Happy paths against the local Keycloak-compatible server (the repository's realm file). */
describe('ServiceTokenService against the local Keycloak-compatible server', () => {
  let keycloak: LocalKeycloak;

  beforeAll(async () => {
    keycloak = await startLocalKeycloak({
      realms: [
        DEFAULT_REALM_FILE,
        {
          realm: 'jwt',
          enabled: true,
          clients: [
            {
              clientId: 'signer',
              enabled: true,
              publicClient: false,
              clientAuthenticatorType: 'client-jwt',
              serviceAccountsEnabled: true,
              standardFlowEnabled: false,
              attributes: {
                'use.jwks.string': 'true',
                'jwks.string': JSON.stringify({ keys: [publicJwk] }),
              },
            },
          ],
        },
      ],
      env: {
        SHOP_API_CLIENT_SECRET: SHOP_API_SECRET,
        REPORTING_JOB_CLIENT_SECRET: 'unused-reporting-secret',
        NOTIFICATION_SERVICE_CLIENT_SECRET: 'unused-notification-secret',
        DEMO_USER_PASSWORD: 'unused-password',
      },
      log: () => undefined,
    });
  });
  afterAll(() => keycloak.stop());
  beforeEach(() => keycloak.resetStats());

  const shopApi = (overrides: Partial<ServiceTokenOptions> = {}) =>
    new ServiceTokenService({
      realmUrl: keycloak.realmUrl('techstore'),
      clientId: 'shop-api',
      clientSecret: SHOP_API_SECRET,
      ...overrides,
    });

  it.each(['client_secret_basic', 'client_secret_post'] as const)(
    'gets a shop-api service-account token with %s, audience notification-service',
    async (authMethod) => {
      const token = await shopApi({ authMethod }).getToken();
      const claims = decodeJwt(token);
      expect(claims).toMatchObject({ azp: 'shop-api', typ: 'Bearer' });
      expect([claims.aud].flat()).toContain('notification-service');
      expect(keycloak.stats.tokenRequests).toBe(1);
    },
  );

  it('1,000 concurrent getToken() calls on a cold cache cause exactly 1 token request', async () => {
    const svc = shopApi();
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => svc.getToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(keycloak.stats.tokenRequests).toBe(1);
    expect(keycloak.stats.tokenRequestsByClient).toEqual({ 'shop-api': 1 });
  });

  it("maps Keycloak's wrong-secret answer to a clear, non-retried error", async () => {
    const error = await shopApi({ clientSecret: 'wrong' })
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({ status: 401, oauthError: 'unauthorized_client' });
    expect(keycloak.stats.tokenRequests).toBe(1);
  });

  it.each([
    ['a PKCS#8 PEM', () => privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()],
    ['a KeyObject', () => privateKey],
    ['a private JWK', () => ({ ...privateKey.export({ format: 'jwk' }), kid: 'signer-key' })],
  ])('private_key_jwt with %s: a fresh assertion per request', async (_, key) => {
    const svc = new ServiceTokenService({
      realmUrl: keycloak.realmUrl('jwt'),
      clientId: 'signer',
      privateKey: key(),
      privateKeyId: 'signer-key',
    });
    const first = await svc.getToken();
    expect(decodeJwt(first)).toMatchObject({ azp: 'signer' });
    svc.invalidate(first);
    await expect(svc.getToken()).resolves.not.toBe(first); // a reused jti would be refused
    expect(keycloak.stats.tokenRequestsByClient).toEqual({ signer: 2 });
  });

  it('private_key_jwt with a key Keycloak does not know is rejected as invalid_client', async () => {
    const svc = new ServiceTokenService({
      realmUrl: keycloak.realmUrl('jwt'),
      clientId: 'signer',
      privateKey: other.privateKey,
      privateKeyId: 'signer-key',
    });
    await expect(svc.getToken()).rejects.toMatchObject({
      code: 'SERVICE_TOKEN_ENDPOINT_REJECTED',
      oauthError: 'invalid_client',
    });
    expect(keycloak.stats.tokenRequests).toBe(1);
  });
});
