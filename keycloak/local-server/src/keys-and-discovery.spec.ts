import { createHash, createPublicKey, type JsonWebKey, verify, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generateKeyFile,
  LocalKeycloakConfigError,
  startLocalKeycloak,
  type LocalKeycloak,
} from './index.js';
import { basicAuth, decodeToken, get, postForm, TEST_ENV } from './testing/http-helpers.js';

const REALM = {
  realm: 'keys',
  enabled: true,
  clients: [
    {
      clientId: 'svc',
      enabled: true,
      publicClient: false,
      secret: 's',
      serviceAccountsEnabled: true,
    },
  ],
};

const sigKeys = (jwks: { keys: JsonWebKey[] }) => jwks.keys.filter((key) => key.use === 'sig');

describe('JWKS, key rotation and key files (facts §4.1)', () => {
  let keycloak: LocalKeycloak;
  let directory: string;
  const certsUrl = () => `${keycloak.realmUrl()}/protocol/openid-connect/certs`;
  const token = async (server = keycloak): Promise<string> =>
    (
      await postForm(
        `${server.realmUrl()}/protocol/openid-connect/token`,
        { grant_type: 'client_credentials' },
        { authorization: basicAuth('svc', 's') },
      )
    ).json.access_token;
  const verifiesWith = (jwt: string, jwks: { keys: JsonWebKey[] }) => {
    const { header } = decodeToken(jwt);
    const jwk = jwks.keys.find((key) => key.kid === header.kid && key.use === 'sig');
    if (!jwk) return false;
    const [h, p, s] = jwt.split('.');
    return verify(
      'sha256',
      Buffer.from(`${h}.${p}`),
      createPublicKey({ key: jwk, format: 'jwk' }),
      Buffer.from(s, 'base64url'),
    );
  };

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'keycloak-local-'));
    keycloak = await startLocalKeycloak({ realms: [REALM], log: () => undefined });
  });
  afterAll(async () => {
    await keycloak.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('publishes one RS256 sig key and one RSA-OAEP enc key in Keycloak’s member order', async () => {
    const response = await get(certsUrl());
    expect(response.headers['content-type']).toBe('application/json');
    const { keys } = response.json;
    expect(keys.map((key: JsonWebKey) => [key.alg, key.use])).toEqual([
      ['RSA-OAEP', 'enc'],
      ['RS256', 'sig'],
    ]);
    for (const key of keys) {
      expect(Object.keys(key)).toEqual([
        'kid',
        'kty',
        'alg',
        'use',
        'x5c',
        'x5t',
        'x5t#S256',
        'n',
        'e',
      ]);
      expect(key).toMatchObject({ kty: 'RSA', e: 'AQAB' });
      const der = Buffer.from(key.x5c[0], 'base64');
      const spki = createPublicKey({ key, format: 'jwk' }).export({ type: 'spki', format: 'der' });
      expect(key.kid).toBe(createHash('sha256').update(spki).digest('base64url'));
      expect(key.x5t).toBe(createHash('sha1').update(der).digest('base64url'));
      expect(key['x5t#S256']).toBe(createHash('sha256').update(der).digest('base64url'));
      const certificate = new X509Certificate(der);
      expect([certificate.subject, certificate.issuer]).toEqual(['CN=keys', 'CN=keys']);
      expect(certificate.verify(createPublicKey({ key, format: 'jwk' }))).toBe(true);
    }
  });

  it('answers application/jwk-set+json when asked exactly for it, and counts fetches', async () => {
    keycloak.resetStats();
    const response = await get(certsUrl(), { accept: 'application/jwk-set+json' });
    expect(response.headers['content-type']).toBe('application/jwk-set+json');
    expect(keycloak.stats.certsRequests).toBe(1);
  });

  it('rotates: a new kid signs, the old key stays published and verifying until dropped', async () => {
    const before = await token();
    const oldKid = decodeToken(before).header.kid;
    await keycloak.rotateKeys();
    const after = await token();
    const jwks = (await get(certsUrl())).json;
    expect(decodeToken(after).header.kid).not.toBe(oldKid);
    expect(sigKeys(jwks)).toHaveLength(2);
    expect(verifiesWith(before, jwks)).toBe(true);
    expect(verifiesWith(after, jwks)).toBe(true);
    await keycloak.rotateKeys(undefined, { dropOld: true });
    const dropped = (await get(certsUrl())).json;
    expect(sigKeys(dropped)).toHaveLength(1);
    expect(verifiesWith(before, dropped)).toBe(false);
  });

  it('generateKeyFile prepares keys that a later start publishes', async () => {
    const keyFile = join(directory, 'prepared.json');
    await generateKeyFile(keyFile, ['keys']);
    const stored = JSON.parse(await readFile(keyFile, 'utf8'));
    const server = await startLocalKeycloak({ realms: [REALM], keyFile, log: () => undefined });
    try {
      const { keys } = (await get(`${server.realmUrl()}/protocol/openid-connect/certs`)).json;
      expect(keys.map((key: JsonWebKey & { kid: string }) => key.kid).sort()).toEqual(
        stored.realms.keys.map((key: { kid: string }) => key.kid).sort(),
      );
    } finally {
      await server.stop();
    }
  });

  it('creates a missing key file and publishes the same keys after a restart on the same port', async () => {
    const keyFile = join(directory, 'keys.json');
    const first = await startLocalKeycloak({ realms: [REALM], keyFile, log: () => undefined });
    const port = first.port;
    const jwks = (await get(`${first.realmUrl()}/protocol/openid-connect/certs`)).json;
    const issued = await token(first);
    await first.stop();
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const second = await startLocalKeycloak({
      realms: [REALM],
      keyFile,
      port,
      log: () => undefined,
    });
    try {
      expect(second.port).toBe(port);
      expect((await get(`${second.realmUrl()}/protocol/openid-connect/certs`)).json).toEqual(jwks);
      const introspection = await postForm(
        `${second.realmUrl()}/protocol/openid-connect/token/introspect`,
        { token: issued },
        { authorization: basicAuth('svc', 's') },
      );
      expect(introspection.json.active).toBe(false);
      expect(verifiesWith(issued, jwks)).toBe(true);
      await second.rotateKeys();
      const stored = JSON.parse(await readFile(keyFile, 'utf8'));
      expect(stored.realms.keys.filter((key: JsonWebKey) => key.use === 'sig')).toHaveLength(2);
    } finally {
      await second.stop();
    }
  });
});

describe('discovery, routing and setup errors', () => {
  let keycloak: LocalKeycloak;

  beforeAll(async () => {
    keycloak = await startLocalKeycloak({
      env: TEST_ENV,
      frontendUrl: 'http://localhost:8080',
      log: () => undefined,
    });
  });
  afterAll(() => keycloak.stop());

  it('serves discovery with the frontend issuer and backchannel endpoints from the caller’s URL', async () => {
    const backchannel = `http://127.0.0.1:${keycloak.port}/realms/techstore`;
    const { status, json } = await get(`${backchannel}/.well-known/openid-configuration`);
    expect(status).toBe(200);
    expect(json).toMatchObject({
      issuer: 'http://localhost:8080/realms/techstore',
      token_endpoint: `${backchannel}/protocol/openid-connect/token`,
      jwks_uri: `${backchannel}/protocol/openid-connect/certs`,
      introspection_endpoint: `${backchannel}/protocol/openid-connect/token/introspect`,
      revocation_endpoint: 'http://localhost:8080/realms/techstore/protocol/openid-connect/revoke',
      subject_types_supported: ['public', 'pairwise'],
      token_endpoint_auth_methods_supported: [
        'private_key_jwt',
        'client_secret_basic',
        'client_secret_post',
        'tls_client_auth',
        'client_secret_jwt',
      ],
    });
    expect(json.grant_types_supported).toEqual([...json.grant_types_supported].sort());
    expect(json.grant_types_supported).toContain('client_credentials');
    expect(json.id_token_signing_alg_values_supported).toContain('RS256');
    expect(json.scopes_supported[0]).toBe('openid');
    expect(json.scopes_supported).toEqual(
      expect.arrayContaining(['service_account', 'basic', 'profile', 'email']),
    );
  });

  it('keeps iss at the frontend URL whatever host the caller used', async () => {
    const response = await postForm(
      `http://127.0.0.1:${keycloak.port}/realms/techstore/protocol/openid-connect/token`,
      { grant_type: 'client_credentials' },
      { authorization: basicAuth('shop-api', TEST_ENV.SHOP_API_CLIENT_SECRET) },
    );
    expect(decodeToken(response.json.access_token).payload.iss).toBe(
      'http://localhost:8080/realms/techstore',
    );
    expect(keycloak.issuer()).toBe('http://localhost:8080/realms/techstore');
    expect(keycloak.realmUrl()).toBe(`http://localhost:${keycloak.port}/realms/techstore`);
  });

  // Bodies and headers as Keycloak 26.6.4 answers them (measured by the conformance suite).
  it.each([
    ['/', 'Unable to find matching target resource method', false],
    [
      '/auth/realms/techstore/protocol/openid-connect/certs',
      'Unable to find matching target resource method',
      false,
    ],
    ['/realms/techstore/protocol/openid-connect/nope', 'HTTP 404 Not Found', true],
    ['/realms/TechStore/protocol/openid-connect/certs', 'Realm does not exist', true],
  ])('answers %s with 404 like Keycloak', async (path, error, securityHeaders) => {
    const response = await get(`${keycloak.url}${path}`);
    expect([response.status, response.json]).toEqual([404, { error }]);
    expect(response.headers['x-robots-tag']).toBe(securityHeaders ? 'none' : undefined);
  });

  it('answers a GET on the token endpoint with 405 and no Allow header', async () => {
    const response = await get(`${keycloak.realmUrl()}/protocol/openid-connect/token`);
    expect([response.status, response.json]).toEqual([
      405,
      { error: 'HTTP 405 Method Not Allowed' },
    ]);
    expect(response.headers.allow).toBeUndefined();
  });

  it('lists every invalid option at once', async () => {
    const attempt = startLocalKeycloak({ port: -1, frontendUrl: 'http://x/', realms: [] });
    await expect(attempt).rejects.toBeInstanceOf(LocalKeycloakConfigError);
    await expect(attempt).rejects.toMatchObject({
      code: 'LOCAL_KEYCLOAK_CONFIG_INVALID',
      problems: [
        'port must be an integer from 0 to 65535',
        'realms must be a non-empty array of file paths or realm objects',
        'frontendUrl must be an http(s) URL without a trailing slash',
      ],
    });
  });

  it('refuses a realm loaded twice and an unreadable file, listing both', async () => {
    await expect(
      startLocalKeycloak({ realms: [REALM, REALM, '/nonexistent/x-realm.json'] }),
    ).rejects.toMatchObject({
      problems: [
        expect.stringContaining('/nonexistent/x-realm.json: ENOENT'),
        'realm "keys" is loaded twice',
      ],
    });
  });

  it('serves a <x>-realm.json file holding another realm, warning that Keycloak 26.2+ refuses it', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'keycloak-local-'));
    const lines: string[] = [];
    try {
      const file = join(directory, 'shop-realm.json');
      await writeFile(file, JSON.stringify(REALM));
      const server = await startLocalKeycloak({ realms: [file], log: (line) => lines.push(line) });
      await server.stop();
      expect(server.issuer()).toMatch(/\/realms\/keys$/);
      expect(lines).toEqual([
        expect.stringContaining(
          'the file name says realm "shop" but the file holds realm "keys" (Keycloak 26.2+ refuses this import)',
        ),
      ]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
