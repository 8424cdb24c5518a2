import { startLocalKeycloak, type LocalKeycloak } from './index.js';
import { basicAuth, postForm, TEST_ENV } from './testing/http-helpers.js';

describe('introspection and revocation (facts §8)', () => {
  let keycloak: LocalKeycloak;
  let now = 1_800_000_000;
  const oidc = () => `${keycloak.realmUrl()}/protocol/openid-connect`;
  const secrets: Record<string, string> = {
    'shop-api': TEST_ENV.SHOP_API_CLIENT_SECRET,
    'reporting-job': TEST_ENV.REPORTING_JOB_CLIENT_SECRET,
    'notification-service': TEST_ENV.NOTIFICATION_SERVICE_CLIENT_SECRET,
  };
  const as = (clientId: string) => ({ authorization: basicAuth(clientId, secrets[clientId]) });
  const serviceToken = async (clientId: string): Promise<string> =>
    (await postForm(`${oidc()}/token`, { grant_type: 'client_credentials' }, as(clientId))).json
      .access_token;
  const aliceToken = async (): Promise<string> =>
    (
      await postForm(`${oidc()}/token`, {
        grant_type: 'password',
        client_id: 'techstore-e2e',
        username: 'alice',
        password: TEST_ENV.DEMO_USER_PASSWORD,
      })
    ).json.access_token;
  const introspect = (token: string, clientId = 'notification-service') =>
    postForm(
      `${oidc()}/token/introspect`,
      { token, token_type_hint: 'access_token' },
      as(clientId),
    );
  const revoke = (token: string, clientId: string) =>
    postForm(`${oidc()}/revoke`, { token }, as(clientId));

  beforeAll(async () => {
    keycloak = await startLocalKeycloak({
      realms: [
        require.resolve('../../techstore-realm.json'),
        {
          realm: 'other',
          enabled: true,
          clients: [
            {
              clientId: 'legacy-introspector',
              enabled: true,
              publicClient: false,
              secret: 'legacy-secret',
              serviceAccountsEnabled: false,
              attributes: { 'allow.token.introspection.without.audience.check': 'true' },
            },
            {
              clientId: 'caller',
              enabled: true,
              publicClient: false,
              secret: 'caller-secret',
              serviceAccountsEnabled: true,
            },
          ],
        },
      ],
      env: TEST_ENV,
      clock: { now: () => now * 1000 },
      log: () => undefined,
    });
  });
  afterAll(() => keycloak.stop());

  it('describes an active token whose aud names the introspecting client', async () => {
    const response = await introspect(await serviceToken('shop-api'));
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      aud: 'notification-service',
      azp: 'shop-api',
      client_id: 'shop-api',
      username: 'service-account-shop-api',
      token_type: 'Bearer',
      active: true,
    });
    expect(Object.keys(response.json).slice(-3)).toEqual(['username', 'token_type', 'active']);
  });

  it('answers {"active":false} when the introspecting client is not in aud (26.6.2+)', async () => {
    expect((await introspect(await serviceToken('shop-api'), 'reporting-job')).json).toEqual({
      active: false,
    });
    expect((await introspect(await aliceToken())).json).toEqual({ active: false });
  });

  it.each([
    ['garbage', () => Promise.resolve('not-a-token')],
    [
      'a token with a forged signature',
      async () => `${(await serviceToken('shop-api')).slice(0, -4)}AAAA`,
    ],
  ])('answers {"active":false} for %s', async (_case, token) => {
    expect((await introspect(await token())).json).toEqual({ active: false });
  });

  it('answers {"active":false} once the token expired', async () => {
    const token = await serviceToken('shop-api');
    now += 301;
    try {
      expect((await introspect(token)).json).toEqual({ active: false });
    } finally {
      now -= 301;
    }
  });

  it('answers {"active":false} for a token of another realm', async () => {
    const token = await serviceToken('shop-api');
    const response = await postForm(
      `${keycloak.realmUrl('other')}/protocol/openid-connect/token/introspect`,
      { token },
      { authorization: basicAuth('legacy-introspector', 'legacy-secret') },
    );
    expect(response.json).toEqual({ active: false });
  });

  it('skips the audience rule for a client with allow.token.introspection.without.audience.check', async () => {
    const oidcOther = `${keycloak.realmUrl('other')}/protocol/openid-connect`;
    const token = (
      await postForm(
        `${oidcOther}/token`,
        { grant_type: 'client_credentials' },
        { authorization: basicAuth('caller', 'caller-secret') },
      )
    ).json.access_token;
    const response = await postForm(
      `${oidcOther}/token/introspect`,
      { token },
      { authorization: basicAuth('legacy-introspector', 'legacy-secret') },
    );
    expect(response.json).toMatchObject({ active: true, azp: 'caller', aud: 'account' });
  });

  it('requires client authentication, a confidential client and a token', async () => {
    const url = `${oidc()}/token/introspect`;
    const unauthenticated = await postForm(
      url,
      { token: 'x' },
      { authorization: basicAuth('shop-api', 'wrong') },
    );
    expect([unauthenticated.status, unauthenticated.json]).toEqual([
      401,
      { error: 'invalid_request', error_description: 'Authentication failed.' },
    ]);
    const publicClient = await postForm(url, { token: 'x', client_id: 'techstore-e2e' });
    expect([publicClient.status, publicClient.json]).toEqual([
      403,
      { error: 'invalid_request', error_description: 'Client not allowed.' },
    ]);
    const noToken = await postForm(url, {}, as('notification-service'));
    expect([noToken.status, noToken.json]).toEqual([
      400,
      { error: 'invalid_request', error_description: 'Token not provided.' },
    ]);
  });

  it('lets only the client the token was issued to revoke it', async () => {
    const token = await serviceToken('shop-api');
    const foreign = await revoke(token, 'reporting-job');
    expect([foreign.status, foreign.json]).toEqual([
      400,
      { error: 'invalid_request', error_description: 'Unmatching clients' },
    ]);
    expect((await introspect(token)).json.active).toBe(true);
    const own = await revoke(token, 'shop-api');
    expect([own.status, own.text]).toEqual([200, '']);
    expect((await introspect(token)).json).toEqual({ active: false });
  });

  it('answers 200 for revoking an invalid token (RFC 7009) and 401 for a wrong secret', async () => {
    expect((await revoke('not-a-token', 'shop-api')).status).toBe(200);
    const response = await postForm(
      `${oidc()}/revoke`,
      { token: 'x' },
      { authorization: basicAuth('shop-api', 'wrong') },
    );
    expect([response.status, response.json.error]).toEqual([401, 'unauthorized_client']);
  });
});
