import { createHash, randomUUID } from 'node:crypto';
import { javaHashMapOrder } from './java-hash-map-order.js';
import type { Client, ClientScope, ProtocolMapper, Realm, Role, User } from './realm-model.js';

/** Which grant produced a token; decides the `jti` context prefix (facts §3.2, 26.2+). */
export type GrantKind = 'client_credentials' | 'password' | 'refresh_token';

const JTI_PREFIX: Record<GrantKind, string> = {
  // session type (tr transient / on online) + token type (rt regular) + grant shortcut
  client_credentials: 'trrtcc',
  password: 'onrtro',
  refresh_token: 'onrtrt',
};

/** Everything one access token is computed from. */
export interface TokenContext {
  realm: Realm;
  issuer: string;
  client: Client;
  user: User;
  grant: GrantKind;
  /** Client scopes applied to this request (defaults plus requested optional ones). */
  scopes: ClientScope[];
  openid: boolean;
  /** User session (password grant): its id. */
  session?: { id: string };
  /**
   * The caller's IP address (service-account `clientHost` / `clientAddress` notes); undefined
   * when the transient session that held the notes is gone (introspection).
   */
  clientAddress?: string;
  /** Epoch seconds. */
  now: number;
}

type Claims = Record<string, unknown>;

/** Declared `AccessToken` / `IDToken` fields in Jackson order; mapper claims follow them. */
export const DECLARED_CLAIMS = [
  'exp',
  'iat',
  'auth_time',
  'jti',
  'iss',
  'aud',
  'sub',
  'typ',
  'azp',
  'nonce',
  'sid',
  'at_hash',
  'acr',
  'allowed-origins',
  'realm_access',
  'resource_access',
  'scope',
];

// Mappers whose empty config still adds claims, and the audience mapper, whose
// `access.token.claim` defaults to false when absent (facts §3.4); others default to true.
const ALWAYS = new Set(['oidc-audience-resolve-mapper', 'oidc-allowed-origins-mapper']);

type TokenKind = 'access' | 'id' | 'introspection';

/** Whether a mapper adds its claim to this kind of token (introspection falls back to access). */
function appliesTo(mapper: ProtocolMapper, token: TokenKind): boolean {
  if (ALWAYS.has(mapper.type)) return token !== 'id';
  const flag = {
    access: 'access.token.claim',
    id: 'id.token.claim',
    introspection: 'introspection.token.claim',
  }[token];
  const value = mapper.config[flag];
  if (value === undefined && token === 'introspection') return appliesTo(mapper, 'access');
  if (value === undefined) return token === 'access' && mapper.type !== 'oidc-audience-mapper';
  return value === 'true';
}

function convert(value: string, type: string | undefined): unknown {
  switch (type) {
    case 'boolean':
      return value === 'true';
    case 'long':
    case 'int':
      return Number(value);
    case 'JSON':
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return value;
      }
    default:
      return value;
  }
}

/** Keycloak's nested claim names: `a.b` is `{a:{b:…}}`, `a\.b` is a literal dot. */
function setClaim(target: Claims, claimName: string, value: unknown): void {
  const path = claimName.split(/(?<!\\)\./).map((part) => part.replace(/\\\./g, '.'));
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    node = (next !== null && typeof next === 'object' ? next : (node[part] = {})) as Claims;
  }
  node[path[path.length - 1]] = value;
}

function originOf(uri: string): string | undefined {
  try {
    return new URL(uri.replace(/\*.*$/, '')).origin;
  } catch {
    return undefined;
  }
}

interface MapperInput {
  context: TokenContext;
  roles: Role[];
  declared: Claims;
  other: Claims;
  audience: string[];
}

/**
 * A user attribute as Keycloak 26's user profile holds it: `username`, `email`, `firstName` and
 * `lastName` are attributes too (the built-in `profile` and `email` scopes map them with
 * `oidc-usermodel-attribute-mapper`).
 */
function userAttribute(user: User, name: string): string[] | undefined {
  const profile: Record<string, string | undefined> = {
    username: user.username,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
  };
  if (name in profile) return profile[name] === undefined ? undefined : [profile[name]];
  return user.attributes[name];
}

/** Java's `HashSet` iteration order of these names (Keycloak keeps roles in hash sets). */
const hashSetOrder = (names: string[]) =>
  javaHashMapOrder([...new Set(names)].map((name): [string, true] => [name, true])).map(
    ([name]) => name,
  );

function userProperty(user: User, property: string | undefined): unknown {
  switch (property) {
    case 'username':
      return user.username;
    case 'email':
      return user.email;
    case 'emailVerified':
      return user.emailVerified;
    case 'firstName':
      return user.firstName;
    case 'lastName':
      return user.lastName;
    case 'id':
      return user.id;
    default:
      return undefined;
  }
}

/**
 * The user-session notes a mapper can read: the service-account notes of a client-credentials
 * request. A password-grant session has no AUTH_TIME note, so its tokens carry no `auth_time`
 * (Keycloak 26.6, measured).
 */
function sessionNote(context: TokenContext, note: string | undefined): string | undefined {
  if (context.grant !== 'client_credentials' || context.clientAddress === undefined)
    return undefined;
  return {
    client_id: context.client.clientId,
    clientId: context.client.clientId,
    clientHost: context.clientAddress,
    clientAddress: context.clientAddress,
  }[note ?? ''];
}

function applyMapper(mapper: ProtocolMapper, input: MapperInput): void {
  const { context, roles, declared, other, audience } = input;
  const { config } = mapper;
  const put = (value: unknown) => {
    if (value === undefined || config['claim.name'] === undefined) return;
    setClaim(other, config['claim.name'], value);
  };
  switch (mapper.type) {
    case 'oidc-sub-mapper':
      declared.sub = context.user.id;
      return;
    case 'oidc-acr-mapper':
      declared.acr = '1';
      return;
    case 'oidc-allowed-origins-mapper': {
      const origins = context.client.webOrigins.flatMap((origin) =>
        origin === '+' ? context.client.redirectUris.map(originOf) : [origin],
      );
      const unique = [...new Set(origins.filter((origin): origin is string => !!origin))];
      if (unique.length > 0) declared['allowed-origins'] = unique;
      return;
    }
    case 'oidc-audience-mapper': {
      const value = config['included.client.audience'] || config['included.custom.audience'];
      if (value) audience.push(value);
      return;
    }
    case 'oidc-audience-resolve-mapper': {
      // Every client the token holds roles of, in the order of `resource_access` (a HashMap).
      const clients = javaHashMapOrder(
        [...new Set(roles.flatMap((role) => (role.clientId ? [role.clientId] : [])))].map(
          (clientId): [string, true] => [clientId, true],
        ),
      );
      for (const [clientId] of clients) {
        if (clientId !== context.client.clientId) audience.push(clientId);
      }
      return;
    }
    case 'oidc-usermodel-realm-role-mapper': {
      const prefix = config['usermodel.realmRoleMapping.rolePrefix'] ?? '';
      const names = hashSetOrder(
        roles.filter((role) => !role.clientId).map((role) => prefix + role.name),
      );
      if (names.length === 0) return;
      const claimName = config['claim.name'] ?? 'realm_access.roles';
      if (claimName === 'realm_access.roles') declared.realm_access = { roles: names };
      else setClaim(other, claimName, names);
      return;
    }
    case 'oidc-usermodel-client-role-mapper': {
      const only = config['usermodel.clientRoleMapping.clientId'];
      const prefix = config['usermodel.clientRoleMapping.rolePrefix'] ?? '';
      const byClient = new Map<string, string[]>();
      for (const role of roles) {
        if (!role.clientId || (only && role.clientId !== only)) continue;
        byClient.set(role.clientId, [...(byClient.get(role.clientId) ?? []), prefix + role.name]);
      }
      const claimName = config['claim.name'] ?? 'resource_access.${client_id}.roles';
      for (const [clientId, names] of byClient) {
        if (claimName === 'resource_access.${client_id}.roles') {
          const access = (declared.resource_access ?? {}) as Claims;
          access[clientId] = { roles: hashSetOrder(names) };
          declared.resource_access = Object.fromEntries(javaHashMapOrder(Object.entries(access)));
        } else {
          setClaim(
            other,
            claimName.replace('${client_id}', clientId.replace(/\./g, '\\.')),
            hashSetOrder(names),
          );
        }
      }
      return;
    }
    case 'oidc-usersessionmodel-note-mapper': {
      const note = sessionNote(context, config['user.session.note']);
      if (note !== undefined) put(convert(note, config['jsonType.label']));
      return;
    }
    case 'oidc-usermodel-property-mapper':
      put(userProperty(context.user, config['user.attribute']));
      return;
    case 'oidc-usermodel-attribute-mapper': {
      const values = userAttribute(context.user, config['user.attribute'] ?? '');
      if (!values || values.length === 0) return;
      const converted = values.map((value) => convert(value, config['jsonType.label']));
      put(config.multivalued === 'true' ? converted : converted[0]);
      return;
    }
    case 'oidc-full-name-mapper': {
      const name = [context.user.firstName, context.user.lastName].filter(Boolean).join(' ');
      if (name) other.name = name;
      return;
    }
    case 'oidc-hardcoded-claim-mapper':
      if (config['claim.value'] !== undefined) {
        put(convert(config['claim.value'], config['jsonType.label']));
      }
      return;
    default:
      return;
  }
}

/** Audience resolve runs after the other mappers (it reads the role mappings), as in Keycloak. */
const mapperPriority = (mapper: ProtocolMapper) =>
  mapper.type === 'oidc-audience-resolve-mapper' ? 1 : 0;

function mappersFor(context: TokenContext): ProtocolMapper[] {
  return [...context.scopes.flatMap((scope) => scope.mappers), ...context.client.mappers].sort(
    (a, b) => mapperPriority(a) - mapperPriority(b),
  );
}

function order(declared: Claims, other: Claims): Claims {
  const result: Claims = {};
  for (const name of DECLARED_CLAIMS)
    if (declared[name] !== undefined) result[name] = declared[name];
  for (const [name, value] of javaHashMapOrder(Object.entries(other))) {
    if (!(name in result)) result[name] = value;
  }
  return result;
}

/** `scope` value: `openid` when requested, then the applied scopes flagged for the token. */
export function scopeString(context: Pick<TokenContext, 'scopes' | 'openid'>): string {
  return [
    ...(context.openid ? ['openid'] : []),
    ...context.scopes.filter((scope) => scope.includeInTokenScope).map((scope) => scope.name),
  ].join(' ');
}

/**
 * `Bearer`, or `bearer` when the client has `token.response.type.bearer.lower-case`: Keycloak
 * writes it both as the response's `token_type` and as the access token's `typ` claim.
 */
export function bearerType(client: Client): string {
  return client.attributes['token.response.type.bearer.lower-case'] === 'true'
    ? 'bearer'
    : 'Bearer';
}

/** Access-token lifespan in seconds: client `access.token.lifespan`, else the realm's (300). */
export function accessTokenLifespan(realm: Realm, client: Client): number {
  const override = Number(client.attributes['access.token.lifespan']);
  return Number.isInteger(override) && override > 0 ? override : realm.accessTokenLifespan;
}

/** Claims from the token's fixed members and the mappers that apply to this kind of token. */
function mappedClaims(
  context: TokenContext,
  kind: 'access' | 'introspection',
  base: Claims,
): Claims {
  const roles = context.realm.expandRoles(context.user.roles);
  const declared: Claims = { ...base };
  const other: Claims = {};
  const audience: string[] = [];
  for (const mapper of mappersFor(context)) {
    if (appliesTo(mapper, kind)) applyMapper(mapper, { context, roles, declared, other, audience });
  }
  const unique = [...new Set(audience)];
  if (unique.length > 0) declared.aud = unique.length === 1 ? unique[0] : unique;
  return order(declared, other);
}

/** Claims of the access token for this context, in Keycloak's member order (facts §3.2). */
export function accessTokenClaims(context: TokenContext): Claims {
  return mappedClaims(context, 'access', {
    exp: context.now + accessTokenLifespan(context.realm, context.client),
    iat: context.now,
    jti: `${JTI_PREFIX[context.grant]}:${randomUUID()}`,
    iss: context.issuer,
    typ: bearerType(context.client),
    azp: context.client.clientId,
    sid: context.session?.id,
    scope: scopeString(context),
  });
}

/**
 * The claims introspection answers with: computed again as Keycloak does, with each mapper's
 * `introspection.token.claim` flag (falling back to `access.token.claim`), around the token's own
 * `exp`, `iat`, `jti`, `sid` and `scope` (an empty `scope` is left out).
 */
export function introspectionClaims(context: TokenContext, token: Claims): Claims {
  return mappedClaims(context, 'introspection', {
    exp: token.exp,
    iat: token.iat,
    jti: token.jti,
    iss: token.iss,
    typ: token.typ,
    azp: token.azp,
    sid: token.sid,
    scope: token.scope === '' ? undefined : token.scope,
  });
}

/** The grant a token came from, read from its `jti` prefix. */
export function grantOf(jti: unknown): GrantKind {
  const prefix = String(jti).split(':')[0];
  const found = (Object.keys(JTI_PREFIX) as GrantKind[]).find(
    (grant) => JTI_PREFIX[grant] === prefix,
  );
  return found ?? 'password';
}

/** Claims of the ID token returned when `scope` contains `openid` (typ `ID`, `at_hash`). */
export function idTokenClaims(context: TokenContext, accessToken: string, exp: number): Claims {
  const roles = context.realm.expandRoles(context.user.roles);
  const hash = createHash('sha256').update(accessToken, 'ascii').digest();
  const declared: Claims = {
    exp,
    iat: context.now,
    jti: randomUUID(),
    iss: context.issuer,
    aud: context.client.clientId,
    sub: context.user.id,
    typ: 'ID',
    azp: context.client.clientId,
    sid: context.session?.id,
    at_hash: hash.subarray(0, 16).toString('base64url'),
  };
  const other: Claims = {};
  for (const mapper of mappersFor(context)) {
    if (mapper.type === 'oidc-audience-mapper' || mapper.type === 'oidc-audience-resolve-mapper')
      continue;
    if (appliesTo(mapper, 'id'))
      applyMapper(mapper, { context, roles, declared, other, audience: [] });
  }
  delete declared.realm_access;
  delete declared.resource_access;
  delete declared['allowed-origins'];
  delete declared.scope;
  return order(declared, other);
}
