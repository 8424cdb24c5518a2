import { createHmac, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { BOB_PASSWORD, CONFORMANCE_ENV, jwtClientKey } from './conformance-realm.js';
import { basicAuth, type Exchange, type Observation, type ServerClient } from './server-client.js';

/** Secrets of the techstore realm: compose's defaults (the `.env.example` values) or the environment. */
export interface TechstoreSecrets {
  SHOP_API_CLIENT_SECRET: string;
  REPORTING_JOB_CLIENT_SECRET: string;
  NOTIFICATION_SERVICE_CLIENT_SECRET: string;
  DEMO_USER_PASSWORD: string;
}

/** The same request sent to both servers; `run` may make preparatory requests of its own. */
export interface Probe {
  name: string;
  run(server: ServerClient): Promise<Observation>;
}

const OIDC = (realm: string) => `/realms/${realm}/protocol/openid-connect`;
const FORM = 'application/x-www-form-urlencoded';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A form without one of its parameters. */
function omit(form: Record<string, string>, name: string): Record<string, string> {
  const { [name]: _omitted, ...rest } = form;
  return rest;
}

const get = (name: string, path: string, headers: Record<string, string> = {}): Probe => ({
  name,
  run: (server) => server.observe({ path, headers }),
});

const exchange = (name: string, request: Exchange): Probe => ({
  name,
  run: (server) => server.observe(request),
});

async function accessToken(server: ServerClient, realm: string, request: Omit<Exchange, 'path'>) {
  const answer = await server.raw({ ...request, path: `${OIDC(realm)}/token` });
  const body = answer.json as { access_token?: unknown } | undefined;
  if (typeof body?.access_token !== 'string') {
    throw new Error(`${server.name}: no token for the probe (${answer.status} ${answer.text})`);
  }
  return body.access_token;
}

function compactJws(header: object, claims: object, key: KeyObject | Buffer): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = Buffer.isBuffer(key)
    ? createHmac('sha256', key).update(input).digest()
    : sign('sha256', Buffer.from(input), key);
  return `${input}.${signature.toString('base64url')}`;
}

/** The discovery, key, realm and HTTP-error probes every realm gets. */
function endpointProbes(realm: string): Probe[] {
  const oidc = OIDC(realm);
  return [
    get('discovery: openid-configuration', `/realms/${realm}/.well-known/openid-configuration`),
    get(
      'discovery: oauth-authorization-server',
      `/realms/${realm}/.well-known/oauth-authorization-server`,
    ),
    get('realm info', `/realms/${realm}`),
    get('JWKS', `${oidc}/certs`),
    get('JWKS asked as application/jwk-set+json', `${oidc}/certs`, {
      accept: 'application/jwk-set+json',
    }),
    exchange('token endpoint: GET', { path: `${oidc}/token` }),
    exchange('certs: POST', { method: 'POST', path: `${oidc}/certs`, form: { a: 'b' } }),
    exchange('token endpoint: JSON body', {
      path: `${oidc}/token`,
      headers: { 'content-type': 'application/json' },
      body: '{"grant_type":"client_credentials"}',
    }),
    exchange('token endpoint: no body, no content type', { method: 'POST', path: `${oidc}/token` }),
    exchange('introspection: JSON body', {
      path: `${oidc}/token/introspect`,
      headers: { 'content-type': 'application/json' },
      body: '{"token":"x"}',
    }),
    exchange('introspection: GET', { path: `${oidc}/token/introspect` }),
    exchange('revocation: GET', { path: `${oidc}/revoke` }),
    get('unknown path in the realm', `/realms/${realm}/no-such-thing`),
    get('unknown path under openid-connect', `${oidc}/no-such-endpoint`),
  ];
}

/** The techstore realm: every client and grant it has, the error table, introspection, revocation. */
export function techstoreProbes(secrets: TechstoreSecrets): Probe[] {
  const realm = 'techstore';
  const token = `${OIDC(realm)}/token`;
  const introspect = `${OIDC(realm)}/token/introspect`;
  const revoke = `${OIDC(realm)}/revoke`;
  const shop = basicAuth('shop-api', secrets.SHOP_API_CLIENT_SECRET);
  const reporting = basicAuth('reporting-job', secrets.REPORTING_JOB_CLIENT_SECRET);
  const notification = basicAuth(
    'notification-service',
    secrets.NOTIFICATION_SERVICE_CLIENT_SECRET,
  );
  const cc = { grant_type: 'client_credentials' };
  const alice = {
    grant_type: 'password',
    client_id: 'techstore-e2e',
    username: 'alice',
    password: secrets.DEMO_USER_PASSWORD,
  };
  const shopToken = (server: ServerClient) =>
    accessToken(server, realm, { form: cc, headers: { authorization: shop } });
  return [
    ...endpointProbes(realm),
    get('unknown realm', '/realms/no-such-realm/.well-known/openid-configuration'),
    get('unknown path outside realms', '/no-such-path'),
    exchange('shop-api: client_credentials (client_secret_basic)', {
      path: token,
      form: cc,
      headers: { authorization: shop },
    }),
    exchange('shop-api: client_credentials (client_secret_post)', {
      path: token,
      form: { ...cc, client_id: 'shop-api', client_secret: secrets.SHOP_API_CLIENT_SECRET },
    }),
    exchange('shop-api: client_credentials with scope=openid', {
      path: token,
      form: { ...cc, scope: 'openid' },
      headers: { authorization: shop },
    }),
    exchange('shop-api: client_credentials with scope=profile (a default scope)', {
      path: token,
      form: { ...cc, scope: 'profile' },
      headers: { authorization: shop },
    }),
    exchange('reporting-job: client_credentials', {
      path: token,
      form: cc,
      headers: { authorization: reporting },
    }),
    exchange('alice: password grant via techstore-e2e', { path: token, form: alice }),
    exchange('alice: password grant with scope=openid', {
      path: token,
      form: { ...alice, scope: 'openid' },
    }),
    exchange('alice: password grant with her email as username', {
      path: token,
      form: { ...alice, username: 'Alice@Example.com' },
    }),
    exchange('error: notification-service has no service account', {
      path: token,
      form: cc,
      headers: { authorization: notification },
    }),
    exchange('error: client_credentials for a public client', {
      path: token,
      form: { ...cc, client_id: 'techstore-e2e' },
    }),
    exchange('error: password grant for a client without direct access grants', {
      path: token,
      form: { ...alice, client_id: 'techstore-web' },
    }),
    exchange('error: password grant for a confidential client without direct access grants', {
      path: token,
      form: omit(alice, 'client_id'),
      headers: { authorization: shop },
    }),
    exchange('error: grant_type missing', {
      path: token,
      form: {},
      headers: { authorization: shop },
    }),
    exchange('error: grant_type unsupported', {
      path: token,
      form: { grant_type: 'urn:example:unknown' },
      headers: { authorization: shop },
    }),
    exchange('error: wrong secret', {
      path: token,
      form: cc,
      headers: { authorization: basicAuth('shop-api', 'wrong-secret') },
    }),
    exchange('error: wrong secret and grant_type missing', {
      path: token,
      form: {},
      headers: { authorization: basicAuth('shop-api', 'wrong-secret') },
    }),
    exchange('error: wrong client_secret (form)', {
      path: token,
      form: { ...cc, client_id: 'shop-api', client_secret: 'wrong-secret' },
    }),
    exchange('error: confidential client without a secret', {
      path: token,
      form: { ...cc, client_id: 'shop-api' },
    }),
    exchange('error: unknown client', {
      path: token,
      form: cc,
      headers: { authorization: basicAuth('no-such-client', 'x') },
    }),
    exchange('error: no client id at all', { path: token, form: cc }),
    exchange('error: duplicated parameter', {
      path: token,
      form: [
        ['grant_type', 'client_credentials'],
        ['scope', 'profile'],
        ['scope', 'email'],
      ],
      headers: { authorization: shop },
    }),
    exchange('error: unknown scope', {
      path: token,
      form: { ...cc, scope: 'no-such-scope' },
      headers: { authorization: shop },
    }),
    exchange('error: wrong password', { path: token, form: { ...alice, password: 'wrong' } }),
    exchange('error: unknown user', { path: token, form: { ...alice, username: 'nobody' } }),
    exchange('error: password grant without username', {
      path: token,
      form: { grant_type: 'password', client_id: 'techstore-e2e', password: 'x' },
    }),
    {
      name: 'introspection by notification-service (in aud): active',
      run: async (server) =>
        server.observe({
          path: introspect,
          form: { token: await shopToken(server) },
          headers: { authorization: notification },
        }),
    },
    {
      name: 'introspection by reporting-job (not in aud): inactive',
      run: async (server) =>
        server.observe({
          path: introspect,
          form: { token: await shopToken(server) },
          headers: { authorization: reporting },
        }),
    },
    {
      name: "introspection of alice's token by shop-api (in aud): active",
      run: async (server) =>
        server.observe({
          path: introspect,
          form: { token: await accessToken(server, realm, { form: alice }) },
          headers: { authorization: shop },
        }),
    },
    {
      name: 'introspection by a public client',
      run: async (server) =>
        server.observe({
          path: introspect,
          form: { token: await shopToken(server), client_id: 'techstore-e2e' },
        }),
    },
    exchange('introspection with a wrong secret', {
      path: introspect,
      form: { token: 'x' },
      headers: { authorization: basicAuth('notification-service', 'wrong') },
    }),
    exchange('introspection without a token', {
      path: introspect,
      form: {},
      headers: { authorization: notification },
    }),
    exchange('introspection of a string that is no token', {
      path: introspect,
      form: { token: 'not-a-token' },
      headers: { authorization: notification },
    }),
    {
      name: 'revocation by the owning client, then introspection',
      run: async (server) => {
        const issued = await shopToken(server);
        const revoked = await server.raw({
          path: revoke,
          form: { token: issued },
          headers: { authorization: shop },
        });
        const after = await server.raw({
          path: introspect,
          form: { token: issued },
          headers: { authorization: notification },
        });
        return {
          status: revoked.status,
          headers: server.normalize(revoked).headers,
          body: { revocationBody: revoked.text, introspectionAfter: server.normalize(after).body },
        };
      },
    },
    {
      name: 'revocation by another client',
      run: async (server) =>
        server.observe({
          path: revoke,
          form: { token: await shopToken(server) },
          headers: { authorization: reporting },
        }),
    },
    exchange('revocation of a string that is no token', {
      path: revoke,
      form: { token: 'not-a-token' },
      headers: { authorization: shop },
    }),
    exchange('revocation without a token', {
      path: revoke,
      form: {},
      headers: { authorization: shop },
    }),
    exchange('revocation with a wrong secret', {
      path: revoke,
      form: { token: 'x' },
      headers: { authorization: basicAuth('shop-api', 'wrong') },
    }),
    {
      name: 'revocation by a public client of its own token',
      run: async (server) =>
        server.observe({
          path: revoke,
          form: {
            token: await accessToken(server, realm, { form: alice }),
            client_id: 'techstore-e2e',
          },
        }),
    },
  ];
}

/** An assertion for `jwt-client`, valid unless `change` breaks it. */
function assertion(
  server: ServerClient,
  change: (claims: Record<string, unknown>, header: Record<string, unknown>) => void = () => {},
  key: KeyObject | Buffer = jwtClientKey().privateKey,
): string {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: 'jwt-client',
    sub: 'jwt-client',
    aud: server.issuer('conformance'),
    jti: randomUUID(),
    iat: now,
    exp: now + 60,
  };
  const header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT', kid: jwtClientKey().kid };
  change(claims, header);
  for (const name of Object.keys(claims)) if (claims[name] === undefined) delete claims[name];
  return compactJws(header, claims, key);
}

/** The conformance realm: clients, mappers, scopes, placeholders, users and private_key_jwt. */
export function conformanceProbes(): Probe[] {
  const realm = 'conformance';
  const token = `${OIDC(realm)}/token`;
  const introspect = `${OIDC(realm)}/token/introspect`;
  const cc = { grant_type: 'client_credentials' };
  const env = CONFORMANCE_ENV;
  // Keycloak 26.6.4 keeps `${env.VAR}` literal, so this is the client's real secret.
  const mapper = {
    ...cc,
    client_id: 'mapper-client',
    client_secret: '${env.CONFORMANCE_MAPPER_SECRET}',
  };
  const bob = {
    grant_type: 'password',
    client_id: 'public-app',
    username: 'bob',
    password: BOB_PASSWORD,
  };
  const user = (username: string) => ({
    ...bob,
    username,
    password: env.CONFORMANCE_USER_PASSWORD,
  });
  const jwtForm = (server: ServerClient, value: string, extra: Record<string, string> = {}) => ({
    ...cc,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: value,
    ...extra,
  });
  const withAssertion = (
    name: string,
    change?: Parameters<typeof assertion>[1],
    key?: KeyObject | Buffer,
  ): Probe => ({
    name: `private_key_jwt: ${name}`,
    run: (server) =>
      server.observe({ path: token, form: jwtForm(server, assertion(server, change, key)) }),
  });
  const app = basicAuth('confidential-app', env.CONFORMANCE_APP_SECRET);
  return [
    ...endpointProbes(realm),
    exchange('batch-job (service account not listed): client_credentials', {
      path: token,
      form: cc,
      headers: { authorization: basicAuth('batch-job', env.CONFORMANCE_BATCH_SECRET) },
    }),
    exchange('listed-sa: a listed service account, service_account scope not listed', {
      path: token,
      form: { ...cc, client_id: 'listed-sa', client_secret: env.CONFORMANCE_APP_SECRET },
    }),
    exchange('mapper-client: every mapper kind, placeholders in claim values', {
      path: token,
      form: mapper,
    }),
    exchange('mapper-client: optional scope requested', {
      path: token,
      form: { ...mapper, scope: 'orders' },
    }),
    exchange('mapper-client: optional scopes and openid', {
      path: token,
      form: { ...mapper, scope: 'phone openid orders' },
    }),
    exchange('mapper-client: the secret written as ${env.VAR}, resolved', {
      path: token,
      form: { ...mapper, client_secret: env.CONFORMANCE_MAPPER_SECRET },
    }),
    exchange('mapper-client: the rotated secret attribute', {
      path: token,
      form: { ...mapper, client_secret: env.CONFORMANCE_ROTATED_SECRET },
    }),
    exchange('error: scope of another client', {
      path: token,
      form: { ...mapper, scope: 'microprofile-jwt' },
    }),
    exchange('error: disabled client', {
      path: token,
      form: { ...cc, client_id: 'disabled-client', client_secret: env.CONFORMANCE_APP_SECRET },
    }),
    exchange('error: bearer-only client', {
      path: token,
      form: { ...cc, client_id: 'bearer-only-client', client_secret: env.CONFORMANCE_APP_SECRET },
    }),
    exchange('error: disabled service-account user', {
      path: token,
      form: { ...cc, client_id: 'disabled-sa', client_secret: env.CONFORMANCE_APP_SECRET },
    }),
    exchange('bob: password grant (public client, web origins)', { path: token, form: bob }),
    exchange('bob: password grant, optional scopes and openid', {
      path: token,
      form: { ...bob, scope: 'openid orders microprofile-jwt' },
    }),
    exchange('bob: password grant with his email in another case', {
      path: token,
      form: { ...bob, username: 'BOB@example.test' },
    }),
    exchange('bob: password grant with his username in another case', {
      path: token,
      form: { ...bob, username: 'BoB' },
    }),
    exchange('bob: password grant via a confidential client (realm default scopes)', {
      path: token,
      form: omit(bob, 'client_id'),
      headers: { authorization: app },
    }),
    exchange('error: bob with a wrong password', { path: token, form: { ...bob, password: 'x' } }),
    exchange('error: bob with the literal placeholder as password', {
      path: token,
      form: { ...bob, password: '${CONFORMANCE_BOB_PASSWORD:bob-fallback-password}' },
    }),
    exchange('error: disabled user', { path: token, form: user('carol') }),
    exchange('error: disabled user with a wrong password', {
      path: token,
      form: { ...user('carol'), password: 'x' },
    }),
    exchange('error: user with a required action', { path: token, form: user('dave') }),
    exchange('error: user with a temporary password', { path: token, form: user('erin') }),
    exchange('error: password grant on a client without direct access grants', {
      path: token,
      form: { ...bob, client_id: 'no-direct-grant', client_secret: env.CONFORMANCE_APP_SECRET },
    }),
    withAssertion('a valid assertion'),
    withAssertion('aud = the token endpoint URL', (claims) => {
      claims.aud = `${claims.aud as string}/protocol/openid-connect/token`;
    }),
    withAssertion('aud = an array holding the issuer', (claims) => {
      claims.aud = [claims.aud, 'https://elsewhere.example'];
    }),
    withAssertion(
      'signed by another key',
      undefined,
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    ),
    withAssertion(
      'HS256 with a guessable key',
      (_claims, header) => {
        header.alg = 'HS256';
      },
      Buffer.from('jwt-client'),
    ),
    withAssertion('expired', (claims) => {
      claims.iat = (claims.iat as number) - 600;
      claims.exp = (claims.iat as number) + 60;
    }),
    withAssertion('lifetime above token.endpoint.auth.signing.max.exp', (claims) => {
      claims.exp = (claims.iat as number) + 600;
    }),
    withAssertion('no exp', (claims) => {
      claims.exp = undefined;
    }),
    withAssertion('no jti', (claims) => {
      claims.jti = undefined;
    }),
    withAssertion('iat in the future', (claims) => {
      claims.iat = (claims.iat as number) + 300;
      claims.exp = (claims.iat as number) + 60;
    }),
    withAssertion('nbf in the future', (claims) => {
      claims.nbf = (claims.iat as number) + 300;
    }),
    withAssertion('wrong aud', (claims) => {
      claims.aud = 'https://elsewhere.example';
    }),
    withAssertion('iss differs from sub', (claims) => {
      claims.iss = 'someone-else';
    }),
    withAssertion('no sub', (claims) => {
      claims.sub = undefined;
    }),
    {
      name: 'private_key_jwt: no sub, client_id parameter given',
      run: (server) =>
        server.observe({
          path: token,
          form: jwtForm(
            server,
            assertion(server, (claims) => {
              claims.sub = undefined;
            }),
            { client_id: 'jwt-client' },
          ),
        }),
    },
    {
      name: 'private_key_jwt: client_id parameter given, client_assertion_type missing',
      run: (server) =>
        server.observe({
          path: token,
          form: { ...cc, client_id: 'jwt-client', client_assertion: assertion(server) },
        }),
    },
    {
      name: 'private_key_jwt: client_id parameter given, wrong client_assertion_type',
      run: (server) =>
        server.observe({
          path: token,
          form: jwtForm(server, assertion(server), {
            client_id: 'jwt-client',
            client_assertion_type: 'urn:example:other',
          }),
        }),
    },
    withAssertion('sub names an unknown client', (claims) => {
      claims.sub = 'no-such-client';
    }),
    withAssertion('sub names a client-secret client', (claims) => {
      claims.sub = 'confidential-app';
      claims.iss = 'confidential-app';
    }),
    {
      name: 'private_key_jwt: the same assertion twice',
      run: async (server) => {
        const once = assertion(server);
        await server.raw({ path: token, form: jwtForm(server, once) });
        return server.observe({ path: token, form: jwtForm(server, once) });
      },
    },
    {
      name: 'private_key_jwt: client_id parameter naming another client',
      run: (server) =>
        server.observe({
          path: token,
          form: jwtForm(server, assertion(server), { client_id: 'mapper-client' }),
        }),
    },
    exchange('private_key_jwt: no client_assertion_type', {
      path: token,
      form: { ...cc, client_id: 'jwt-client', client_assertion: 'x' },
    }),
    {
      name: 'private_key_jwt: wrong client_assertion_type',
      run: (server) =>
        server.observe({
          path: token,
          form: jwtForm(server, assertion(server), { client_assertion_type: 'urn:example:other' }),
        }),
    },
    exchange('private_key_jwt: no client_assertion', {
      path: token,
      form: { ...cc, client_id: 'jwt-client', client_assertion_type: ASSERTION_TYPE },
    }),
    exchange('private_key_jwt: a client_assertion that is no JWT', {
      path: token,
      form: { ...cc, client_assertion_type: ASSERTION_TYPE, client_assertion: 'not-a-jwt' },
    }),
    exchange('private_key_jwt client with a secret instead', {
      path: token,
      form: { ...cc, client_id: 'jwt-client', client_secret: 'x' },
    }),
    {
      name: "introspection of mapper-client's token by inventory-api (in aud)",
      run: async (server) =>
        server.observe({
          path: introspect,
          form: {
            token: await accessToken(server, realm, { form: { ...mapper, scope: 'orders' } }),
          },
          headers: { authorization: basicAuth('inventory-api', env.CONFORMANCE_INVENTORY_SECRET) },
        }),
    },
    {
      name: "introspection of jwt-client's token by conformance-billing (audience check waived)",
      run: async (server) =>
        server.observe({
          path: introspect,
          form: {
            token: await accessToken(server, realm, { form: jwtForm(server, assertion(server)) }),
          },
          headers: {
            authorization: basicAuth('conformance-billing', env.CONFORMANCE_BILLING_SECRET),
          },
        }),
    },
    {
      name: "introspection of bob's token by inventory-api (in aud)",
      run: async (server) =>
        server.observe({
          path: introspect,
          form: { token: await accessToken(server, realm, { form: bob }) },
          headers: { authorization: basicAuth('inventory-api', env.CONFORMANCE_INVENTORY_SECRET) },
        }),
    },
    {
      name: 'introspection authenticated with private_key_jwt',
      run: async (server) =>
        server.observe({
          path: introspect,
          form: {
            token: await accessToken(server, realm, { form: bob }),
            client_assertion_type: ASSERTION_TYPE,
            client_assertion: assertion(server),
          },
        }),
    },
    exchange('token endpoint: form content type with a charset', {
      path: token,
      headers: { 'content-type': `${FORM}; charset=UTF-8` },
      body: new URLSearchParams({ ...mapper }).toString(),
    }),
  ];
}
