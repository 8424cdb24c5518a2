import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { startLocalKeycloak, type LocalKeycloak } from './index.js';
import { decodeToken, postForm } from './testing/http-helpers.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const NOW = 1_800_000_000;

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicJwk = {
  ...publicKey.export({ format: 'jwk' }),
  kid: 'client-key',
  alg: 'RS256',
  use: 'sig',
};

const jwtClient = (clientId: string, attributes: Record<string, string>) => ({
  clientId,
  enabled: true,
  publicClient: false,
  bearerOnly: false,
  clientAuthenticatorType: 'client-jwt',
  serviceAccountsEnabled: true,
  standardFlowEnabled: false,
  directAccessGrantsEnabled: false,
  attributes,
});

describe('private_key_jwt client authentication', () => {
  let keycloak: LocalKeycloak;
  let jwksServer: Server;
  let tokenUrl: string;
  let now = NOW;

  beforeAll(async () => {
    jwksServer = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks`;
    keycloak = await startLocalKeycloak({
      realms: [
        {
          realm: 'jwt',
          enabled: true,
          clients: [
            jwtClient('by-string', {
              'use.jwks.string': 'true',
              'jwks.string': JSON.stringify({ keys: [publicJwk] }),
            }),
            jwtClient('by-url', { 'use.jwks.url': 'true', 'jwks.url': jwksUrl }),
            jwtClient('long-assertions', {
              'use.jwks.string': 'true',
              'jwks.string': JSON.stringify({ keys: [publicJwk] }),
              'token.endpoint.auth.signing.max.exp': '600',
            }),
            jwtClient('no-key', {}),
          ],
        },
      ],
      clock: { now: () => now * 1000 },
      log: () => undefined,
    });
    tokenUrl = `${keycloak.realmUrl()}/protocol/openid-connect/token`;
  });
  afterAll(async () => {
    await keycloak.stop();
    await new Promise((resolve) => jwksServer.close(resolve));
  });
  beforeEach(() => {
    now = NOW;
  });

  const assertion = (
    clientId: string,
    claims: Record<string, unknown> = {},
    key: KeyObject = privateKey,
  ) =>
    new SignJWT({
      iss: clientId,
      sub: clientId,
      aud: keycloak.issuer(),
      iat: NOW,
      exp: NOW + 60,
      jti: randomUUID(),
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'client-key' })
      .sign(key);

  const request = async (clientId: string, jwt: string, extra: Record<string, string> = {}) =>
    postForm(tokenUrl, {
      grant_type: 'client_credentials',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: jwt,
      ...extra,
    });

  it.each(['by-string', 'by-url'])('issues a token to %s', async (clientId) => {
    const response = await request(clientId, await assertion(clientId));
    expect(response.status).toBe(200);
    expect(decodeToken(response.json.access_token).payload).toMatchObject({
      azp: clientId,
      client_id: clientId,
    });
  });

  it('accepts the token endpoint URL as audience and a matching client_id parameter', async () => {
    const jwt = await assertion('by-string', { aud: tokenUrl });
    expect((await request('by-string', jwt, { client_id: 'by-string' })).status).toBe(200);
  });

  // Keycloak 26.6.4's validator, check by check, with its own words (measured side by side):
  // exceptions get the "Client authentication with signed JWT failed: " prefix, checks do not.
  const failures: Array<[string, () => Promise<Record<string, string>>, string]> = [
    [
      'wrong signing key',
      async () => ({ client_assertion: await assertion('by-string', {}, other.privateKey) }),
      'Client authentication with signed JWT failed: Signature on JWT token failed validation',
    ],
    [
      'foreign audience',
      async () => ({
        client_assertion: await assertion('by-string', { aud: 'https://elsewhere' }),
      }),
      'Invalid token audience',
    ],
    [
      'two audiences',
      async () => ({
        client_assertion: await assertion('by-string', { aud: [keycloak.issuer(), 'https://x'] }),
      }),
      'Multiple audiences not allowed',
    ],
    [
      'expired',
      async () => ({ client_assertion: await assertion('by-string', { exp: NOW - 16 }) }),
      'Token is not active',
    ],
    [
      'iat more than 60 s ago (token.endpoint.auth.signing.max.exp)',
      async () => ({
        client_assertion: await assertion('by-string', { iat: NOW - 61, exp: NOW + 30 }),
      }),
      'Token was issued too far in the past to be used now',
    ],
    [
      'no iat and an exp more than 60 s away',
      async () => ({
        client_assertion: await assertion('by-string', { iat: undefined, exp: NOW + 61 }),
      }),
      'Token expiration is too far in the future and iat claim not present in token',
    ],
    [
      'no exp',
      async () => ({ client_assertion: await assertion('by-string', { exp: undefined }) }),
      'Token exp claim is required',
    ],
    [
      'no jti',
      async () => ({ client_assertion: await assertion('by-string', { jti: undefined }) }),
      'Token jti claim is required',
    ],
    [
      'client_id parameter naming another client',
      async () => ({ client_assertion: await assertion('by-string'), client_id: 'by-url' }),
      'client_id parameter does not match sub claim',
    ],
    [
      'client without a key',
      async () => ({ client_assertion: await assertion('no-key') }),
      'Unable to load public key',
    ],
    [
      'a client_assertion that is no JWT, client named by client_id',
      () => Promise.resolve({ client_assertion: 'not-a-jwt', client_id: 'by-string' }),
      'Client authentication with signed JWT failed: java.lang.IllegalArgumentException: Parsing error',
    ],
  ];

  it.each(failures)('refuses an assertion with %s', async (_case, build, description) => {
    const response = await postForm(tokenUrl, {
      grant_type: 'client_credentials',
      client_assertion_type: ASSERTION_TYPE,
      ...(await build()),
    });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: 'invalid_client', error_description: description });
  });

  it.each([
    ['iss is not the client', { iss: 'someone' }],
    ['sub is missing', { sub: undefined }],
  ])('answers an assertion where %s like an unknown client (401)', async (_case, claims) => {
    const response = await postForm(tokenUrl, {
      grant_type: 'client_credentials',
      client_assertion_type: ASSERTION_TYPE,
      client_id: 'by-string',
      client_assertion: await assertion('by-string', claims),
    });
    expect([response.status, response.json]).toEqual([
      401,
      {
        error: 'invalid_client',
        error_description: 'Invalid client or Invalid client credentials',
      },
    ]);
  });

  it('accepts an assertion that lives longer than max.exp while its iat is recent', async () => {
    const jwt = await assertion('by-string', { exp: NOW + 3600 });
    expect((await request('by-string', jwt)).status).toBe(200);
  });

  it('honours the client attribute token.endpoint.auth.signing.max.exp', async () => {
    now = NOW + 300;
    const jwt = await assertion('long-assertions', { exp: NOW + 600 });
    expect((await request('long-assertions', jwt)).status).toBe(200);
  });

  it('accepts each assertion once (jti single use)', async () => {
    const jwt = await assertion('by-string');
    expect((await request('by-string', jwt)).status).toBe(200);
    const replay = await request('by-string', jwt);
    expect(replay.status).toBe(400);
    expect(replay.json.error_description).toBe('Token reuse detected');
  });

  it('allows 15 s of clock skew on iat but not more', async () => {
    now = NOW - 15;
    expect((await request('by-string', await assertion('by-string'))).status).toBe(200);
    now = NOW - 16;
    expect((await request('by-string', await assertion('by-string'))).json.error_description).toBe(
      'Token was issued in the future',
    );
  });

  it.each([
    [{}, 'Parameter client_assertion_type is missing'],
    [
      { client_assertion_type: 'urn:other' },
      `Parameter client_assertion_type has value 'urn:other' but expected is '${ASSERTION_TYPE}'`,
    ],
    [{ client_assertion_type: ASSERTION_TYPE }, 'client_assertion parameter missing'],
  ])('answers a malformed request %j with invalid_client', async (form, description) => {
    const response = await postForm(tokenUrl, {
      grant_type: 'client_credentials',
      client_id: 'by-string',
      ...form,
    });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: 'invalid_client', error_description: description });
  });
});
