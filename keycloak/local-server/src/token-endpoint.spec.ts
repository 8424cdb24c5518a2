import { createPublicKey, verify } from 'node:crypto';
import { startLocalKeycloak, type LocalKeycloak } from './index.js';
import { basicAuth, decodeToken, get, postForm, TEST_ENV } from './testing/http-helpers.js';

describe('token endpoint: client_credentials for the techstore realm', () => {
  let keycloak: LocalKeycloak;
  let tokenUrl: string;
  const logged: string[] = [];

  beforeAll(async () => {
    keycloak = await startLocalKeycloak({ env: TEST_ENV, log: (line) => logged.push(line) });
    tokenUrl = `${keycloak.realmUrl()}/protocol/openid-connect/token`;
  });
  afterAll(() => keycloak.stop());

  const shopApiToken = () =>
    postForm(
      tokenUrl,
      { grant_type: 'client_credentials' },
      { authorization: basicAuth('shop-api', TEST_ENV.SHOP_API_CLIENT_SECRET) },
    );

  it('answers with the field set and order of AccessTokenResponse and the no-store headers', async () => {
    const response = await shopApiToken();
    expect(response.status).toBe(200);
    expect(Object.keys(response.json)).toEqual([
      'access_token',
      'expires_in',
      'refresh_expires_in',
      'token_type',
      'not-before-policy',
      'scope',
    ]);
    expect(response.json).toMatchObject({
      expires_in: 300,
      refresh_expires_in: 0,
      token_type: 'Bearer',
      'not-before-policy': 0,
      scope: 'profile email',
    });
    expect(response.headers).toMatchObject({
      'content-type': 'application/json',
      'cache-control': 'no-store',
      pragma: 'no-cache',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'SAMEORIGIN',
      'x-content-type-options': 'nosniff',
    });
  });

  it('writes the JOSE header bytes like Keycloak, with a 43-character kid', async () => {
    const { access_token: token } = (await shopApiToken()).json;
    // The facts' prefix minus its last character, which also encodes the kid's first bits.
    expect(token.startsWith('eyJhbGciOiJSUzI1NiIsInR5cCIgOiAiSldUIiwia2lkIiA6IC')).toBe(true);
    const { headerText, header } = decodeToken(token);
    expect(headerText).toBe(`{"alg":"RS256","typ" : "JWT","kid" : "${header.kid}"}`);
    expect(header.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('signs with the published RS256 sig key', async () => {
    const { access_token: token } = (await shopApiToken()).json;
    const { header } = decodeToken(token);
    const { keys } = (await get(`${keycloak.realmUrl()}/protocol/openid-connect/certs`)).json;
    const jwk = keys.find(
      (key: { kid: string; use: string }) => key.kid === header.kid && key.use === 'sig',
    );
    const [h, p, s] = token.split('.');
    const valid = verify(
      'sha256',
      Buffer.from(`${h}.${p}`),
      createPublicKey({ key: jwk, format: 'jwk' }),
      Buffer.from(s, 'base64url'),
    );
    expect(valid).toBe(true);
  });

  it('gives shop-api the audience and role notification-service checks, in Keycloak claim order', async () => {
    const { payload } = decodeToken((await shopApiToken()).json.access_token);
    expect(Object.keys(payload)).toEqual([
      'exp',
      'iat',
      'jti',
      'iss',
      'aud',
      'sub',
      'typ',
      'azp',
      'acr',
      'resource_access',
      'scope',
      'email_verified',
      'clientHost',
      'preferred_username',
      'clientAddress',
      'client_id',
    ]);
    expect(payload).toMatchObject({
      iss: keycloak.issuer(),
      aud: 'notification-service',
      typ: 'Bearer',
      azp: 'shop-api',
      client_id: 'shop-api',
      acr: '1',
      resource_access: { 'notification-service': { roles: ['notifications:send'] } },
      preferred_username: 'service-account-shop-api',
      email_verified: false,
      clientAddress: '127.0.0.1',
    });
    expect(payload.jti).toMatch(
      /^trrtcc:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(payload.sub).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload.exp - payload.iat).toBe(300);
    expect(payload).not.toHaveProperty('realm_access');
    expect(payload).not.toHaveProperty('nbf');
    expect(payload).not.toHaveProperty('sid');
  });

  it('gives reporting-job the audience but not the role', async () => {
    const response = await postForm(tokenUrl, {
      grant_type: 'client_credentials',
      client_id: 'reporting-job',
      client_secret: TEST_ENV.REPORTING_JOB_CLIENT_SECRET,
    });
    const { payload } = decodeToken(response.json.access_token);
    expect(payload).toMatchObject({
      aud: 'notification-service',
      azp: 'reporting-job',
      client_id: 'reporting-job',
    });
    expect(payload).not.toHaveProperty('resource_access');
  });

  it('refuses a wrong secret with 401 unauthorized_client', async () => {
    const response = await postForm(
      tokenUrl,
      { grant_type: 'client_credentials' },
      { authorization: basicAuth('shop-api', 'wrong') },
    );
    expect(response.status).toBe(401);
    expect(response.json).toEqual({
      error: 'unauthorized_client',
      error_description: 'Invalid client or Invalid client credentials',
    });
  });

  it('names the realm features it does not emulate in one warning line', () => {
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('standard flow / browser login (techstore-web)');
  });
});
