import { createHmac } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import {
  JwksTestServer,
  KeycloakTokenSigner,
  TestClock,
  compactJws,
  createTestSigningKey,
  keycloakHeader,
  probe,
  startKeycloakAuthTestApp,
  type ProbeResponse,
  type Registration,
  type TestAdapter,
} from '@app/auth/testing';

// The hostile-input catalogue (receiver-anchors.md Part C) over real HTTP, against real Nest apps
// on both adapters, with the module registered both ways. Every row mutates a valid
// Keycloak-shaped service-account token and re-signs it, so each rule is tested in isolation.

const ISSUER = 'http://localhost:8080/realms/techstore';
const AUDIENCE = 'notification-service';
const TOLERANCE = 30;

const clock = new TestClock();
const k1 = createTestSigningKey({ kid: 'k1' });
const attacker = createTestSigningKey({ kid: 'k1' });
const encryption = createTestSigningKey({ kid: 'enc-1' });
const ecKey = createTestSigningKey({ alg: 'ES256', kid: 'ec-1' });
const signer = new KeycloakTokenSigner(k1, clock.now);
const now = () => clock.seconds();

type Claims = Record<string, unknown>;

const serviceClaims = (clientId = 'shop-api', roles = ['notifications:send']): Claims =>
  signer.serviceAccountClaims({
    issuer: ISSUER,
    clientId,
    audience: AUDIENCE,
    clientRoles: { [AUDIENCE]: roles, account: ['view-profile'] },
  });

/** T0 with `mutate` applied to its claims, re-signed with k1 (Keycloak header bytes unless given). */
const token = (mutate: (claims: Claims) => void = () => undefined, header?: Claims | string) => {
  const claims = serviceClaims();
  mutate(claims);
  return signer.sign(claims, header);
};
const T0 = token();
const without = (name: string) => (claims: Claims) => delete claims[name];
const set = (name: string, value: unknown) => (claims: Claims) => (claims[name] = value);
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64url');
const withPayloadJson = (payloadJson: string, header = keycloakHeader(k1)) =>
  compactJws(header, payloadJson, k1);
const hs256 = (headerJson: string, secret: string | Buffer) => {
  const input = `${b64(headerJson)}.${b64(JSON.stringify(serviceClaims()))}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
};
const publicPem = k1.publicKey.export({ format: 'pem', type: 'spki' }) as string;

type Outcome =
  'ok' | 'bare' | 'invalid_token' | 'insufficient_scope' | 'invalid_request' | 'not_declared' | 431;
interface Row {
  id: string;
  title: string;
  path?: string;
  authorization?: string | string[];
  query?: string;
  headers?: OutgoingHttpHeaders;
  expect: Outcome;
}

const bearer = (t: string) => `Bearer ${t}`;
const service = (title: string, id: string, t: string, expect: Outcome): Row => ({
  id,
  title,
  authorization: bearer(t),
  expect,
});

const ROWS: Row[] = [
  {
    id: 'T0',
    title: 'a valid shop-api service-account token',
    authorization: bearer(T0),
    expect: 'ok',
  },
  // H: transport and header
  { id: 'H01', title: 'no Authorization header', expect: 'bare' },
  ...['Basic dXNlcjpwYXNz', `Token ${T0}`, `JWT ${T0}`, `DPoP ${T0}`, `Bearer${T0}`].map(
    (authorization): Row => ({
      id: 'H02',
      title: `another scheme: ${authorization.slice(0, 12)}…`,
      authorization,
      expect: 'bare',
    }),
  ),
  { id: 'H03', title: 'scheme in lower case', authorization: `bearer ${T0}`, expect: 'ok' },
  { id: 'H03', title: 'scheme in upper case', authorization: `BEARER ${T0}`, expect: 'ok' },
  ...['Bearer', 'Bearer ', 'Bearer    '].map((authorization): Row => ({
    id: 'H04',
    title: `empty token "${authorization}"`,
    authorization,
    expect: 'invalid_token',
  })),
  {
    id: 'H05',
    title: 'a second word after the token',
    authorization: `Bearer ${T0} junk`,
    expect: 'invalid_token',
  },
  {
    id: 'H05',
    title: 'a tab instead of a space',
    authorization: `Bearer\t${T0}`,
    expect: 'invalid_token',
  },
  {
    id: 'H05',
    title: 'two tokens in one header',
    authorization: `Bearer ${T0},Bearer ${T0}`,
    expect: 'invalid_token',
  },
  {
    id: 'H06',
    title: 'several spaces before the token (RFC 6750 1*SP)',
    authorization: `Bearer    ${T0}`,
    expect: 'ok',
  },
  {
    id: 'H08',
    title: 'token only in the access_token query parameter',
    query: `?access_token=${T0}`,
    expect: 'bare',
  },
  {
    id: 'H09',
    title: 'token in the header and in the query',
    authorization: bearer(T0),
    query: `?access_token=${T0}`,
    expect: 'invalid_request',
  },
  {
    id: 'H09',
    title: 'two Authorization headers',
    authorization: [bearer(T0), bearer(T0)],
    expect: 'invalid_request',
  },
  {
    id: 'H10',
    title: 'token only in a KEYCLOAK_JWT cookie',
    headers: { cookie: `KEYCLOAK_JWT=${T0}` },
    expect: 'bare',
  },
  {
    id: 'H10',
    title: 'a junk cookie next to a valid header: the header wins',
    authorization: bearer(T0),
    headers: { cookie: 'KEYCLOAK_JWT=junk' },
    expect: 'ok',
  },
  {
    id: 'H11',
    title: '20 KiB Authorization header (rejected by the HTTP parser)',
    authorization: bearer('a'.repeat(20 * 1024)),
    expect: 431,
  },
  service(
    'a re-signed token over the 8 KiB cap',
    'H12',
    token(set('junk', 'x'.repeat(8 * 1024))),
    'invalid_token',
  ),
  // S: structure and encoding
  service('two segments', 'S01', T0.split('.').slice(0, 2).join('.'), 'invalid_token'),
  service('four segments', 'S01', `${T0}.${T0.split('.')[2]}`, 'invalid_token'),
  service(
    'a five-segment JWE',
    'S01',
    `${b64('{"alg":"RSA-OAEP","enc":"A256GCM"}')}.a.b.c.d`,
    'invalid_token',
  ),
  service('padding after the signature', 'S02', `${T0}==`, 'invalid_token'),
  service(
    'a non-canonical last base64url character',
    'S02',
    T0.slice(0, -1) + String.fromCharCode(T0.charCodeAt(T0.length - 1) ^ 1),
    'invalid_token',
  ),
  ...['[]', '"x"', '1', 'null'].map((json) =>
    service(`payload ${json}`, 'S03', withPayloadJson(json), 'invalid_token'),
  ),
  ...['[]', '"x"', '1', 'null'].map((json) =>
    service(
      `header ${json}`,
      'S03',
      compactJws(json, JSON.stringify(serviceClaims()), k1),
      'invalid_token',
    ),
  ),
  service(
    'payload that is not UTF-8',
    'S03',
    compactJws(keycloakHeader(k1), '{"typ":"Bearer","x":"\udc80"}', k1).replace(
      /^([^.]+)\.[^.]+/,
      (_m, h: string) => `${h}.${b64(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))}`,
    ),
    'invalid_token',
  ),
  service('payload that is not JSON', 'S03', withPayloadJson('{"exp":'), 'invalid_token'),
  service('exp as a string', 'S05', token(set('exp', String(now() + 300))), 'invalid_token'),
  service(
    'exp = 1e400 (Infinity)',
    'S05',
    withPayloadJson(JSON.stringify(serviceClaims()).replace(/"exp":\d+/, '"exp":1e400')),
    'invalid_token',
  ),
  service('exp = -1', 'S05', token(set('exp', -1)), 'invalid_token'),
  service('exp = true', 'S05', token(set('exp', true)), 'invalid_token'),
  service('iat = "NaN"', 'S05', token(set('iat', 'NaN')), 'invalid_token'),
  // A: algorithm and key
  ...['none', 'None', 'NONE', 'nOnE'].flatMap((alg) => [
    service(
      `alg ${alg}, empty signature`,
      'A01',
      `${b64(`{"alg":"${alg}","typ":"JWT","kid":"k1"}`)}.${T0.split('.')[1]}.`,
      'invalid_token',
    ),
    service(
      `alg ${alg}, signature kept`,
      'A01',
      `${b64(`{"alg":"${alg}","typ":"JWT","kid":"k1"}`)}.${T0.split('.')[1]}.${T0.split('.')[2]}`,
      'invalid_token',
    ),
  ]),
  ...[
    publicPem,
    publicPem.trimEnd(),
    ` ${publicPem}`,
    k1.publicKey.export({ format: 'der', type: 'spki' }),
    String(k1.jwk.n),
  ].map((secret, i) =>
    service(
      `HS256 keyed with the RSA public key (form ${i + 1})`,
      'A02',
      hs256('{"alg":"HS256","typ":"JWT","kid":"k1"}', secret),
      'invalid_token',
    ),
  ),
  service(
    'signed by another key under the published kid',
    'A03',
    new KeycloakTokenSigner(attacker, clock.now).sign(serviceClaims()),
    'invalid_token',
  ),
  service(
    'embedded jwk, no kid',
    'A04',
    compactJws(
      JSON.stringify({ alg: 'RS256', typ: 'JWT', jwk: attacker.jwk }),
      JSON.stringify(serviceClaims()),
      attacker,
    ),
    'invalid_token',
  ),
  service(
    'embedded jwk, kid k1',
    'A04',
    compactJws(
      JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k1', jwk: attacker.jwk }),
      JSON.stringify(serviceClaims()),
      attacker,
    ),
    'invalid_token',
  ),
  service(
    'x5c header with the attacker certificate chain',
    'A06',
    compactJws(
      JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k1', x5c: ['MIIB'] }),
      JSON.stringify(serviceClaims()),
      attacker,
    ),
    'invalid_token',
  ),
  service(
    'kid path traversal with HS256 and an empty key',
    'A07',
    hs256('{"alg":"HS256","typ":"JWT","kid":"../../../../dev/null"}', ''),
    'invalid_token',
  ),
  ...["' OR '1'='1", 'x; id', '__proto__', 'constructor', 'toString'].map((kid) =>
    service(
      `kid injection ${JSON.stringify(kid)}`,
      'A07',
      compactJws(
        JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }),
        JSON.stringify(serviceClaims()),
        attacker,
      ),
      'invalid_token',
    ),
  ),
  service(
    'no kid',
    'A09',
    signer.sign(serviceClaims(), { alg: 'RS256', typ: 'JWT' }),
    'invalid_token',
  ),
  ...(['RS512', 'PS256'] as const).map((alg) =>
    service(
      `${alg} with the published RSA key`,
      'A11',
      compactJws(
        JSON.stringify({ alg, typ: 'JWT', kid: 'k1' }),
        JSON.stringify(serviceClaims()),
        k1,
        alg,
      ),
      'invalid_token',
    ),
  ),
  service(
    'ES256 with a published EC key',
    'A11',
    compactJws(
      JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: 'ec-1' }),
      JSON.stringify(serviceClaims()),
      ecKey,
    ),
    'invalid_token',
  ),
  ...['RS256 ', 'rs256'].map((alg) =>
    service(
      `alg ${JSON.stringify(alg)}`,
      'A11',
      compactJws(
        JSON.stringify({ alg, typ: 'JWT', kid: 'k1' }),
        JSON.stringify(serviceClaims()),
        k1,
        'RS256',
      ),
      'invalid_token',
    ),
  ),
  service(
    'ES256 with an all-zero signature',
    'A12',
    `${b64('{"alg":"ES256","typ":"JWT","kid":"ec-1"}')}.${T0.split('.')[1]}.${b64(Buffer.alloc(64))}`,
    'invalid_token',
  ),
  service(
    'signed by the published encryption (use: enc) key',
    'A15',
    new KeycloakTokenSigner(encryption, clock.now).sign(serviceClaims()),
    'invalid_token',
  ),
  service(
    'a crit header',
    'A16',
    signer.sign(serviceClaims(), { alg: 'RS256', typ: 'JWT', kid: 'k1', crit: ['exp'], exp: 1 }),
    'invalid_token',
  ),
  // C: claims and authorization
  service('expired an hour ago', 'C01', token(set('exp', now() - 3600)), 'invalid_token'),
  service(
    'expired just beyond the clock tolerance',
    'C01',
    token(set('exp', now() - TOLERANCE)),
    'invalid_token',
  ),
  service(
    'expired within the clock tolerance',
    'C02',
    token(set('exp', now() - TOLERANCE + 1)),
    'ok',
  ),
  service('no exp', 'C03', token(without('exp')), 'invalid_token'),
  service('nbf 300 s ahead', 'C04', token(set('nbf', now() + 300)), 'invalid_token'),
  service('nbf within the clock tolerance', 'C04', token(set('nbf', now() + TOLERANCE)), 'ok'),
  service('iat an hour ahead', 'C05', token(set('iat', now() + 3600)), 'invalid_token'),
  service(
    'issued two days ago, expiring tomorrow',
    'C06',
    token((c) => Object.assign(c, { iat: now() - 2 * 86400, exp: now() + 86400 })),
    'invalid_token',
  ),
  service('no iat', 'C06', token(without('iat')), 'invalid_token'),
  ...[
    `${ISSUER}/`,
    ISSUER.replace('http:', 'https:'),
    ISSUER.replace('localhost', 'keycloak'),
    ISSUER.replace('techstore', 'TechStore'),
    'http://localhost:8080/realms/evil',
  ].map((iss) => service(`iss ${iss}`, 'C07', token(set('iss', iss)), 'invalid_token')),
  service('no iss', 'C08', token(without('iss')), 'invalid_token'),
  service('aud "account"', 'C09', token(set('aud', 'account')), 'invalid_token'),
  service('aud ["other"]', 'C09', token(set('aud', ['other'])), 'invalid_token'),
  service('no aud', 'C09', token(without('aud')), 'invalid_token'),
  service(
    'aud ["account", "notification-service"]',
    'C10',
    token(set('aud', ['account', AUDIENCE])),
    'ok',
  ),
  ...['ID', 'Refresh', 'Offline', 'Logout', 'Bearer ', 'bearer+jwt'].map((typ) =>
    service(`payload typ ${typ}`, 'C11', token(set('typ', typ)), 'invalid_token'),
  ),
  // Keycloak's own output with the client attribute token.response.type.bearer.lower-case.
  service('payload typ bearer', 'C11', token(set('typ', 'bearer')), 'ok'),
  service('no payload typ', 'C11', token(without('typ')), 'invalid_token'),
  ...['JWT', 'at+jwt', 'application/at+jwt', 'AT+JWT'].map((typ) =>
    service(
      `header typ ${typ}`,
      'C12',
      signer.sign(serviceClaims(), { alg: 'RS256', typ, kid: 'k1' }),
      'ok',
    ),
  ),
  service('no header typ', 'C12', signer.sign(serviceClaims(), { alg: 'RS256', kid: 'k1' }), 'ok'),
  ...['logout+jwt', 'secevent+jwt', 'id_token+jwt', 'JOSE', '', 7].map((typ) =>
    service(
      `header typ ${JSON.stringify(typ)}`,
      'C12',
      signer.sign(serviceClaims(), { alg: 'RS256', typ, kid: 'k1' }),
      'invalid_token',
    ),
  ),
  service('no azp', 'C13', token(without('azp')), 'invalid_token'),
  service(
    'a service account that is not an allowed caller',
    'C15',
    signer.sign(serviceClaims('intruder-example')),
    'insufficient_scope',
  ),
  service(
    'reporting-job: audience right, role missing',
    'C15',
    signer.sign(serviceClaims('reporting-job', [])),
    'insufficient_scope',
  ),
  service(
    'a user token on a service route',
    'C16',
    signer.sign(
      signer.userClaims({
        issuer: ISSUER,
        clientId: 'techstore-web',
        audience: AUDIENCE,
        username: 'alice',
        clientRoles: { [AUDIENCE]: ['notifications:send'] },
      }),
    ),
    'insufficient_scope',
  ),
  service(
    'no roles of the audience',
    'C17',
    token((c) => (c.resource_access = { [AUDIENCE]: { roles: [] } })),
    'insufficient_scope',
  ),
  service(
    'the role only as a realm role',
    'C18',
    token((c) =>
      Object.assign(c, { resource_access: {}, realm_access: { roles: ['notifications:send'] } }),
    ),
    'insufficient_scope',
  ),
  service(
    "the role only as a role of shop-api's own client",
    'C18',
    token((c) => (c.resource_access = { 'shop-api': { roles: ['notifications:send'] } })),
    'insufficient_scope',
  ),
  service(
    'a near-miss role name',
    'C18',
    token(
      (c) =>
        (c.resource_access = {
          [AUDIENCE]: { roles: ['notifications:Send', 'notifications:send '] },
        }),
    ),
    'insufficient_scope',
  ),
  service(
    'the role only as a scope',
    'C19',
    token((c) => Object.assign(c, { resource_access: {}, scope: 'profile notifications:send' })),
    'insufficient_scope',
  ),
  service(
    'another realm signed with the same key',
    'C21',
    token(set('iss', 'http://localhost:8080/realms/evil')),
    'invalid_token',
  ),
  {
    id: 'C24',
    title: 'a different Host header changes nothing',
    authorization: bearer(T0),
    headers: { host: 'evil.example:8080' },
    expect: 'ok',
  },
  service('no sub', 'C25', token(without('sub')), 'invalid_token'),
  service('no jti', 'C25', token(without('jti')), 'invalid_token'),
  service(
    'client_id that differs from azp',
    'C26',
    token(set('client_id', 'reporting-job')),
    'invalid_token',
  ),
  service(
    'a service-account username without client_id',
    'C26',
    token(without('client_id')),
    'invalid_token',
  ),
  // Routes
  {
    id: 'R01',
    title: 'a route without a declaration refuses even a valid token',
    path: '/undeclared',
    authorization: bearer(T0),
    expect: 'not_declared',
  },
  {
    id: 'R02',
    title: 'a @Public route ignores a garbage token',
    path: '/open',
    authorization: 'Bearer garbage',
    expect: 'ok',
  },
  {
    id: 'R03',
    title: '@ServiceAuth() with no requirements accepts reporting-job',
    path: '/service',
    authorization: bearer(signer.sign(serviceClaims('reporting-job', []))),
    expect: 'ok',
  },
  {
    id: 'R04',
    title: 'a customer token on a @UserAuth route',
    path: '/checkout',
    authorization: bearer(
      signer.sign(
        signer.userClaims({
          issuer: ISSUER,
          clientId: 'techstore-web',
          audience: AUDIENCE,
          username: 'alice',
          email: 'alice@example.com',
          realmRoles: ['customer'],
        }),
      ),
    ),
    expect: 'ok',
  },
  {
    id: 'R05',
    title: 'a user without the customer realm role',
    path: '/checkout',
    authorization: bearer(
      signer.sign(
        signer.userClaims({
          issuer: ISSUER,
          clientId: 'techstore-web',
          audience: AUDIENCE,
          username: 'bob',
        }),
      ),
    ),
    expect: 'insufficient_scope',
  },
  {
    id: 'R06',
    title: 'a service-account token on a @UserAuth route',
    path: '/checkout',
    authorization: bearer(
      signer.sign({ ...serviceClaims(), realm_access: { roles: ['customer'] } }),
    ),
    expect: 'insufficient_scope',
  },
];

const REALM = `Bearer realm="${AUDIENCE}"`;
const EXPECTED: Record<
  Exclude<Outcome, 'ok' | 431>,
  { status: number; code: string; challenge?: string }
> = {
  bare: { status: 401, code: 'AUTH_CREDENTIALS_MISSING', challenge: REALM },
  invalid_token: {
    status: 401,
    code: 'AUTH_TOKEN_INVALID',
    challenge: `${REALM}, error="invalid_token", error_description="The access token is invalid or has expired"`,
  },
  insufficient_scope: {
    status: 403,
    code: 'AUTH_INSUFFICIENT_SCOPE',
    challenge: `${REALM}, error="insufficient_scope", error_description="The access token does not grant access to this resource"`,
  },
  invalid_request: {
    status: 400,
    code: 'AUTH_INVALID_REQUEST',
    challenge: `${REALM}, error="invalid_request", error_description="The request carries more than one credential"`,
  },
  not_declared: { status: 403, code: 'AUTH_ROUTE_NOT_DECLARED' },
};

function assertOutcome(row: Row, response: ProbeResponse): void {
  if (row.expect === 'ok') {
    expect(response.status).toBe(200);
    expect(response.headers['www-authenticate']).toBeUndefined();
    return;
  }
  if (row.expect === 431) {
    expect(response.status).toBe(431);
    return;
  }
  const expected = EXPECTED[row.expect];
  expect(response.status).toBe(expected.status);
  expect(response.headers['www-authenticate']).toBe(expected.challenge);
  expect(JSON.parse(response.body)).toEqual({
    statusCode: expected.status,
    code: expected.code,
    message: expect.any(String),
  });
  const presented = [row.authorization ?? []].flat().join(' ').split(/\s+/).pop() ?? '';
  if (presented.length > 20) expect(response.body).not.toContain(presented.slice(-20));
}

describe.each<[TestAdapter, Registration]>([
  ['express', 'forRoot'],
  ['express', 'forRootAsync'],
  ['fastify', 'forRoot'],
  ['fastify', 'forRootAsync'],
])('KeycloakAuthModule on %s, registered with %s', (adapter, registration) => {
  let jwks: JwksTestServer;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    jwks = await JwksTestServer.start([k1, ecKey], {
      extra: [{ ...encryption.jwk, use: 'enc', alg: 'RSA-OAEP' }],
    });
    ({ app, url } = await startKeycloakAuthTestApp(
      adapter,
      {
        issuer: ISSUER,
        audience: AUDIENCE,
        realmUrl: jwks.realmUrl,
        clockToleranceMs: TOLERANCE * 1000,
        clock,
      },
      { registration },
    ));
  });

  afterAll(async () => {
    await app?.close();
    await jwks?.close();
  });

  it.each(ROWS.map((row) => [row.id, row.title, row] as const))(
    '%s %s',
    async (_id, _title, row) => {
      // Node sends an array as repeated header lines (H09).
      const headers: Record<string, string | string[]> = {
        ...(row.headers as Record<string, string>),
      };
      if (row.authorization !== undefined) headers.authorization = row.authorization;
      const response = await probe(`${url}${row.path ?? '/notify'}${row.query ?? ''}`, { headers });
      assertOutcome(row, response);
    },
  );

  it('hands the handler a typed, Keycloak-derived principal', async () => {
    const response = await probe(`${url}/notify`, { headers: { authorization: bearer(T0) } });
    const claims = JSON.parse(Buffer.from(T0.split('.')[1], 'base64url').toString()) as Claims;
    expect(JSON.parse(response.body)).toEqual({
      kind: 'service',
      caller: 'shop-api',
      subject: claims.sub,
      username: 'service-account-shop-api',
      roles: ['notifications:send'],
      realmRoles: ['offline_access', 'uma_authorization'],
      scopes: ['profile', 'email'],
      tokenId: claims.jti,
      expiresAt: claims.exp,
    });
  });

  it('fetched the JWKS twice for all of the above: once for the first key, once at the first unknown kid', () => {
    expect(jwks.requests).toBe(2);
  });
});
