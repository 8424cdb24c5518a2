import { startLocalKeycloak, type LocalKeycloak } from './index.js';
import { basicAuth, postForm } from './testing/http-helpers.js';

// Every row of keycloak-facts §2 (plus the password grant's own errors), against a realm built
// to reach each situation, in Keycloak's order of checks; statuses and texts as Keycloak 26.6.4
// answers them (the side-by-side conformance suite measures each of them on the real server).
const confidential = (clientId: string, extra: Record<string, unknown> = {}) => ({
  clientId,
  enabled: true,
  publicClient: false,
  bearerOnly: false,
  secret: `${clientId}-secret`,
  serviceAccountsEnabled: true,
  standardFlowEnabled: false,
  directAccessGrantsEnabled: false,
  ...extra,
});

const ERRORS_REALM = {
  realm: 'errors',
  enabled: true,
  clients: [
    confidential('good', { optionalClientScopes: ['phone'] }),
    confidential('disabled', { enabled: false }),
    confidential('no-service-account', { serviceAccountsEnabled: false }),
    confidential('bearer', { bearerOnly: true, serviceAccountsEnabled: false }),
    confidential('account-disabled'),
    confidential('not-set-up', { clientAuthenticatorType: 'client-x509' }),
    {
      clientId: 'public',
      enabled: true,
      publicClient: true,
      standardFlowEnabled: false,
      directAccessGrantsEnabled: false,
    },
    {
      clientId: 'login',
      enabled: true,
      publicClient: true,
      standardFlowEnabled: false,
      directAccessGrantsEnabled: true,
    },
  ],
  users: [
    {
      username: 'service-account-account-disabled',
      enabled: false,
      serviceAccountClientId: 'account-disabled',
    },
    {
      username: 'bob',
      enabled: true,
      email: 'bob@example.com',
      credentials: [{ type: 'password', value: 'bob-pw' }],
    },
    { username: 'carol', enabled: false, credentials: [{ type: 'password', value: 'carol-pw' }] },
    {
      username: 'dave',
      enabled: true,
      credentials: [{ type: 'password', value: 'dave-pw' }],
      requiredActions: ['UPDATE_PASSWORD'],
    },
    {
      username: 'erin',
      enabled: true,
      credentials: [{ type: 'password', value: 'erin-pw', temporary: true }],
    },
  ],
};

const OFF_REALM = { realm: 'off', enabled: false, clients: [confidential('good')] };

const INVALID = 'Invalid client or Invalid client credentials';
const cc = { grant_type: 'client_credentials' };
const secretOf = (clientId: string) => ({
  client_id: clientId,
  client_secret: `${clientId}-secret`,
});

type Row = [
  situation: string,
  realm: string,
  form: Record<string, string> | Array<[string, string]>,
  basic: [string, string] | undefined,
  status: number,
  error: string,
  description: string,
];

const ROWS: Row[] = [
  [
    'realm disabled',
    'off',
    { ...cc, ...secretOf('good') },
    undefined,
    403,
    'access_denied',
    'Realm not enabled',
  ],
  [
    'grant_type missing',
    'errors',
    secretOf('good'),
    undefined,
    400,
    'invalid_request',
    'Missing form parameter: grant_type',
  ],
  [
    'grant_type missing beats a wrong secret',
    'errors',
    { client_id: 'good', client_secret: 'wrong' },
    undefined,
    400,
    'invalid_request',
    'Missing form parameter: grant_type',
  ],
  [
    'grant_type unknown',
    'errors',
    { grant_type: 'magic', ...secretOf('good') },
    undefined,
    400,
    'unsupported_grant_type',
    'Unsupported grant_type',
  ],
  ['wrong secret (Basic)', 'errors', cc, ['good', 'wrong'], 401, 'unauthorized_client', INVALID],
  [
    'wrong secret (post)',
    'errors',
    { ...cc, client_id: 'good', client_secret: 'wrong' },
    undefined,
    401,
    'unauthorized_client',
    INVALID,
  ],
  [
    'secret missing',
    'errors',
    { ...cc, client_id: 'good' },
    undefined,
    401,
    'unauthorized_client',
    INVALID,
  ],
  [
    'unknown client',
    'errors',
    { ...cc, client_id: 'nobody', client_secret: 'x' },
    undefined,
    401,
    'invalid_client',
    INVALID,
  ],
  ['no client id at all', 'errors', cc, undefined, 401, 'invalid_client', INVALID],
  [
    'disabled client',
    'errors',
    { ...cc, ...secretOf('disabled') },
    undefined,
    401,
    'invalid_client',
    INVALID,
  ],
  [
    'authenticator not emulated',
    'errors',
    { ...cc, ...secretOf('not-set-up') },
    undefined,
    400,
    'unauthorized_client',
    'Unexpected error when authenticating client',
  ],
  [
    'duplicated parameter',
    'errors',
    [
      ['grant_type', 'client_credentials'],
      ['client_id', 'good'],
      ['client_secret', 'good-secret'],
      ['scope', 'phone'],
      ['scope', 'phone'],
    ],
    undefined,
    400,
    'invalid_request',
    'duplicated parameter',
  ],
  [
    'bearer-only client (never authenticates)',
    'errors',
    { ...cc, ...secretOf('bearer') },
    undefined,
    401,
    'unauthorized_client',
    'Invalid client or Invalid client credentials',
  ],
  [
    'service accounts disabled',
    'errors',
    { ...cc, ...secretOf('no-service-account') },
    undefined,
    401,
    'unauthorized_client',
    'Client not enabled to retrieve service account',
  ],
  [
    'public client',
    'errors',
    { ...cc, client_id: 'public' },
    undefined,
    401,
    'unauthorized_client',
    'Public client not allowed to retrieve service account',
  ],
  [
    'service-account user disabled',
    'errors',
    { ...cc, ...secretOf('account-disabled') },
    undefined,
    401,
    'invalid_request',
    "User 'service-account-account-disabled' disabled",
  ],
  [
    'unknown scope',
    'errors',
    { ...cc, ...secretOf('good'), scope: 'admin' },
    undefined,
    400,
    'invalid_scope',
    'Invalid scopes: admin',
  ],
  [
    'known scope not assigned to the client',
    'errors',
    { ...cc, ...secretOf('good'), scope: 'phone address' },
    undefined,
    400,
    'invalid_scope',
    'Invalid scopes: phone address',
  ],
  [
    'password: direct access grants off',
    'errors',
    { grant_type: 'password', client_id: 'public', username: 'bob', password: 'bob-pw' },
    undefined,
    400,
    'unauthorized_client',
    'Client not allowed for direct access grants',
  ],
  [
    'password: wrong password',
    'errors',
    { grant_type: 'password', client_id: 'login', username: 'bob', password: 'nope' },
    undefined,
    400,
    'invalid_grant',
    'Invalid user credentials',
  ],
  [
    'password: unknown user',
    'errors',
    { grant_type: 'password', client_id: 'login', username: 'eve', password: 'bob-pw' },
    undefined,
    400,
    'invalid_grant',
    'Invalid user credentials',
  ],
  [
    'password: missing password',
    'errors',
    { grant_type: 'password', client_id: 'login', username: 'bob' },
    undefined,
    400,
    'invalid_grant',
    'Invalid user credentials',
  ],
  [
    'password: service account cannot log in',
    'errors',
    { grant_type: 'password', client_id: 'login', username: 'service-account-good', password: '' },
    undefined,
    400,
    'invalid_grant',
    'Invalid user credentials',
  ],
  [
    'password: disabled user',
    'errors',
    { grant_type: 'password', client_id: 'login', username: 'carol', password: 'carol-pw' },
    undefined,
    400,
    'invalid_grant',
    'Account disabled',
  ],
  [
    'password: disabled user with a wrong password (the password is checked first)',
    'errors',
    { grant_type: 'password', client_id: 'login', username: 'carol', password: 'nope' },
    undefined,
    400,
    'invalid_grant',
    'Invalid user credentials',
  ],
  [
    'password: pending required action',
    'errors',
    { grant_type: 'password', client_id: 'login', username: 'dave', password: 'dave-pw' },
    undefined,
    400,
    'invalid_grant',
    'Account is not fully set up',
  ],
  [
    'password: invalid scope',
    'errors',
    {
      grant_type: 'password',
      client_id: 'login',
      username: 'bob',
      password: 'bob-pw',
      scope: 'admin',
    },
    undefined,
    400,
    'invalid_scope',
    'Invalid scopes: admin',
  ],
];

describe('token endpoint error table (facts §2)', () => {
  let keycloak: LocalKeycloak;
  const lines: string[] = [];
  const tokenUrl = (realm: string) => `${keycloak.realmUrl(realm)}/protocol/openid-connect/token`;

  beforeAll(async () => {
    keycloak = await startLocalKeycloak({
      realms: [ERRORS_REALM, OFF_REALM],
      log: (line) => lines.push(line),
    });
  });
  afterAll(() => keycloak.stop());

  it.each(ROWS)('%s → %s', async (_situation, realm, form, basic, status, error, description) => {
    const headers = basic ? { authorization: basicAuth(...basic) } : undefined;
    const response = await postForm(tokenUrl(realm), form, headers);
    expect(response.status).toBe(status);
    expect(response.json).toEqual({ error, error_description: description });
    expect(response.headers).toMatchObject({
      'content-type': 'application/json',
      'cache-control': 'no-store',
      pragma: 'no-cache',
    });
  });

  it('warns at start about the disabled realm, the disabled user and the unemulated authenticator', () => {
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('users without "enabled": true are disabled (carol)');
    expect(lines[0]).toContain('client authenticator client-x509 (not-set-up)');
    expect(lines[1]).toContain('the realm has no "enabled": true');
  });

  it('accepts the client every failing row was measured against', async () => {
    const response = await postForm(tokenUrl('errors'), {
      ...cc,
      ...secretOf('good'),
      scope: 'phone',
    });
    expect(response.status).toBe(200);
    expect(response.json.scope).toBe('profile email phone');
  });

  it('form-url-decodes Basic credentials (RFC 6749 §2.3.1) and also accepts them unencoded', async () => {
    const realm = {
      realm: 'encoded',
      enabled: true,
      clients: [confidential('svc:one', { secret: 'p@ss w%rd+' })],
    };
    const server = await startLocalKeycloak({ realms: [realm], log: () => undefined });
    try {
      const url = `${server.realmUrl()}/protocol/openid-connect/token`;
      const encoded = basicAuth(encodeURIComponent('svc:one'), encodeURIComponent('p@ss w%rd+'));
      expect((await postForm(url, cc, { authorization: encoded })).status).toBe(200);
      const literal = basicAuth('svc%3Aone', 'p@ss w%rd+');
      expect((await postForm(url, cc, { authorization: literal })).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('reads a JSON body as no parameters at all, as Keycloak does', async () => {
    const response = await fetch(tokenUrl('errors'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...cc, ...secretOf('good') }),
    });
    expect([response.status, await response.json()]).toEqual([
      400,
      { error: 'invalid_request', error_description: 'Missing form parameter: grant_type' },
    ]);
  });

  it('grants a token to a user whose imported password is only temporary', async () => {
    const response = await postForm(tokenUrl('errors'), {
      grant_type: 'password',
      client_id: 'login',
      username: 'erin',
      password: 'erin-pw',
    });
    expect(response.status).toBe(200);
  });

  it('answers a password grant without username with 401 "Missing parameter: username"', async () => {
    const response = await postForm(tokenUrl('errors'), {
      grant_type: 'password',
      client_id: 'login',
      password: 'x',
    });
    expect([response.status, response.json]).toEqual([
      401,
      { error: 'invalid_request', error_description: 'Missing parameter: username' },
    ]);
  });
});
