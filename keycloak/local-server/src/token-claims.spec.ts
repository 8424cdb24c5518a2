import { createHash } from 'node:crypto';
import { startLocalKeycloak, type LocalKeycloak } from './index.js';
import { basicAuth, decodeToken, postForm, TEST_ENV } from './testing/http-helpers.js';

// Claim rules of keycloak-facts §3 (aud string/array/absent, roles, scopes, lifespans, mappers)
// on small inline realms, plus the customer token of the techstore realm.
const audience = (name: string, config: Record<string, string>) => ({
  name,
  protocol: 'openid-connect',
  protocolMapper: 'oidc-audience-mapper',
  config,
});
const service = (clientId: string, extra: Record<string, unknown> = {}) => ({
  clientId,
  enabled: true,
  publicClient: false,
  secret: 'secret',
  serviceAccountsEnabled: true,
  standardFlowEnabled: false,
  directAccessGrantsEnabled: false,
  ...extra,
});
const serviceAccount = (clientId: string, roles: Record<string, unknown> = {}) => ({
  username: `service-account-${clientId}`,
  enabled: true,
  serviceAccountClientId: clientId,
  ...roles,
});

const CLAIMS_REALM = {
  realm: 'claims',
  enabled: true,
  accessTokenLifespan: 120,
  roles: {
    realm: [
      { name: 'reader' },
      {
        name: 'admin',
        composite: true,
        composites: { realm: ['reader'], client: { orders: ['orders:read'] } },
      },
    ],
    client: { orders: [{ name: 'orders:read' }], self: [{ name: 'self:own' }] },
  },
  clients: [
    service('orders', { serviceAccountsEnabled: false }),
    service('listed-no-roles'),
    service('default-roles'),
    service('mapper-and-defaults', {
      protocolMappers: [
        audience('orders', { 'included.client.audience': 'orders', 'access.token.claim': 'true' }),
      ],
    }),
    service('mapper-and-role', {
      protocolMappers: [
        audience('orders', { 'included.client.audience': 'orders', 'access.token.claim': 'true' }),
      ],
    }),
    service('self'),
    service('custom-audience', {
      protocolMappers: [
        audience('api', {
          'included.custom.audience': 'https://api.example',
          'access.token.claim': 'true',
        }),
      ],
    }),
    service('mapper-flag-missing', {
      protocolMappers: [audience('orders', { 'included.client.audience': 'orders' })],
    }),
    service('short-lived', { attributes: { 'access.token.lifespan': '60' } }),
    service('composite'),
    service('minimal-scopes', { defaultClientScopes: ['roles', 'email'] }),
    service('hardcoded', {
      protocolMappers: [
        {
          name: 'tenant',
          protocolMapper: 'oidc-hardcoded-claim-mapper',
          config: {
            'claim.name': 'tenant',
            'claim.value': 'acme',
            'jsonType.label': 'String',
            'access.token.claim': 'true',
          },
        },
        {
          name: 'tier',
          protocolMapper: 'oidc-hardcoded-claim-mapper',
          config: {
            'claim.name': 'org.tier',
            'claim.value': '3',
            'jsonType.label': 'long',
            'access.token.claim': 'true',
          },
        },
        {
          name: 'hidden',
          protocolMapper: 'oidc-hardcoded-claim-mapper',
          config: { 'claim.name': 'hidden', 'claim.value': 'x', 'access.token.claim': 'false' },
        },
      ],
    }),
    service('options', {
      attributes: {
        'token.response.type.bearer.lower-case': 'true',
        'access.token.header.type.rfc9068': 'true',
      },
    }),
  ],
  users: [
    serviceAccount('listed-no-roles'),
    serviceAccount('mapper-and-role', { clientRoles: { orders: ['orders:read'] } }),
    serviceAccount('self', { clientRoles: { self: ['self:own'] } }),
    serviceAccount('custom-audience'),
    serviceAccount('mapper-flag-missing'),
    serviceAccount('composite', { realmRoles: ['admin'] }),
    serviceAccount('minimal-scopes', { realmRoles: ['reader'] }),
    serviceAccount('hardcoded'),
    serviceAccount('options'),
  ],
};

const DEFAULT_LIFESPAN_REALM = { realm: 'defaults', enabled: true, clients: [service('plain')] };

describe('access token claims', () => {
  let keycloak: LocalKeycloak;
  const NOW = 1_800_000_000;

  beforeAll(async () => {
    keycloak = await startLocalKeycloak({
      realms: [require.resolve('../../techstore-realm.json'), CLAIMS_REALM, DEFAULT_LIFESPAN_REALM],
      env: TEST_ENV,
      clock: { now: () => NOW * 1000 },
      log: () => undefined,
    });
  });
  afterAll(() => keycloak.stop());

  const token = async (clientId: string, realm = 'claims', form: Record<string, string> = {}) => {
    const response = await postForm(
      `${keycloak.realmUrl(realm)}/protocol/openid-connect/token`,
      { grant_type: 'client_credentials', ...form },
      { authorization: basicAuth(clientId, 'secret') },
    );
    expect(response.status).toBe(200);
    return { body: response.json, ...decodeToken(response.json.access_token) };
  };

  it.each([
    ['listed-no-roles', undefined],
    ['default-roles', 'account'],
    ['mapper-and-defaults', ['orders', 'account']],
    ['mapper-and-role', 'orders'],
    ['self', undefined],
    ['custom-audience', 'https://api.example'],
    ['mapper-flag-missing', undefined],
    ['composite', 'orders'],
  ])('%s gets aud %j', async (clientId, expected) => {
    const { payload } = await token(clientId);
    if (expected === undefined) expect(payload).not.toHaveProperty('aud');
    else expect(payload.aud).toEqual(expected);
  });

  it('gives an unlisted service account the realm default roles and the service_account scope', async () => {
    const { payload } = await token('default-roles');
    expect(payload.realm_access.roles.sort()).toEqual([
      'default-roles-claims',
      'offline_access',
      'uma_authorization',
    ]);
    expect(payload.resource_access.account.roles.sort()).toEqual([
      'manage-account',
      'manage-account-links',
      'view-profile',
    ]);
    expect(payload.client_id).toBe('default-roles');
  });

  it('puts the requesting client’s own roles in resource_access but not in aud', async () => {
    const { payload } = await token('self');
    expect(payload.resource_access).toEqual({ self: { roles: ['self:own'] } });
  });

  it('expands composite roles', async () => {
    const { payload } = await token('composite');
    expect(payload.realm_access.roles.sort()).toEqual(['admin', 'reader']);
    expect(payload.resource_access).toEqual({ orders: { roles: ['orders:read'] } });
  });

  it.each([
    ['realm accessTokenLifespan', 'listed-no-roles', 'claims', 120],
    ['client access.token.lifespan', 'short-lived', 'claims', 60],
    ['default', 'plain', 'defaults', 300],
  ])('takes the lifespan from the %s', async (_source, clientId, realm, seconds) => {
    const { body, payload } = await token(clientId, realm);
    expect(body.expires_in).toBe(seconds);
    expect([payload.iat, payload.exp]).toEqual([NOW, NOW + seconds]);
  });

  it('drops sub without basic, client_id without service_account, preferred_username without profile', async () => {
    const { body, payload } = await token('minimal-scopes');
    expect(body.scope).toBe('email');
    expect(payload).not.toHaveProperty('sub');
    expect(payload).not.toHaveProperty('client_id');
    expect(payload).not.toHaveProperty('clientHost');
    expect(payload).not.toHaveProperty('preferred_username');
    expect(payload).not.toHaveProperty('acr');
    expect(payload).toMatchObject({
      azp: 'minimal-scopes',
      email_verified: false,
      realm_access: { roles: ['reader'] },
    });
  });

  it('adds hardcoded claims with their JSON type, nested names, only where access.token.claim is true', async () => {
    const { payload } = await token('hardcoded');
    expect(payload).toMatchObject({ tenant: 'acme', org: { tier: 3 } });
    expect(payload).not.toHaveProperty('hidden');
  });

  it('honours the lower-case bearer and RFC 9068 header attributes', async () => {
    const { body, headerText } = await token('options');
    expect(body.token_type).toBe('bearer');
    expect(headerText).toMatch(/^\{"alg":"RS256","typ" : "at\+jwt","kid" : "[\w-]{43}"\}$/);
  });

  it('returns an ID token when scope contains openid', async () => {
    const { body, payload } = await token('listed-no-roles', 'claims', { scope: 'openid' });
    expect(Object.keys(body)).toEqual([
      'access_token',
      'expires_in',
      'refresh_expires_in',
      'token_type',
      'id_token',
      'not-before-policy',
      'scope',
    ]);
    expect(body.scope).toBe('openid profile email');
    expect(payload.scope).toBe('openid profile email');
    const id = decodeToken(body.id_token).payload;
    const hash = createHash('sha256')
      .update(body.access_token)
      .digest()
      .subarray(0, 16)
      .toString('base64url');
    expect(id).toMatchObject({
      typ: 'ID',
      aud: 'listed-no-roles',
      azp: 'listed-no-roles',
      sub: payload.sub,
      at_hash: hash,
    });
  });

  describe('customer token (password grant, techstore-e2e)', () => {
    const login = (username: string) =>
      postForm(`${keycloak.realmUrl('techstore')}/protocol/openid-connect/token`, {
        grant_type: 'password',
        client_id: 'techstore-e2e',
        username,
        password: TEST_ENV.DEMO_USER_PASSWORD,
      });

    it('carries aud shop-api, the customer role and the email, and no client_id', async () => {
      const response = await login('alice');
      expect(response.status).toBe(200);
      expect(Object.keys(response.json)).toEqual([
        'access_token',
        'expires_in',
        'refresh_expires_in',
        'token_type',
        'not-before-policy',
        'session_state',
        'scope',
      ]);
      const { payload } = decodeToken(response.json.access_token);
      expect(payload).toMatchObject({
        aud: 'shop-api',
        typ: 'Bearer',
        azp: 'techstore-e2e',
        sid: response.json.session_state,
        realm_access: { roles: ['customer'] },
        email: 'alice@example.com',
        email_verified: true,
        preferred_username: 'alice',
        name: 'Alice Example',
      });
      expect(payload.jti).toMatch(/^onrtro:/);
      expect(payload).not.toHaveProperty('client_id');
      expect(payload).not.toHaveProperty('resource_access');
      // Keycloak 26.6.4's password-grant sessions hold no AUTH_TIME note: no auth_time claim.
      expect(payload).not.toHaveProperty('auth_time');
      expect(Object.keys(payload).slice(0, 3)).toEqual(['exp', 'iat', 'jti']);
      expect(response.json.session_state).toMatch(/^[A-Za-z0-9_-]{24}$/);
    });

    it('accepts the email as username (loginWithEmailAllowed)', async () => {
      const { payload } = decodeToken((await login('Alice@Example.com')).json.access_token);
      expect(payload.preferred_username).toBe('alice');
    });
  });
});
