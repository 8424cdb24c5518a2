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
  /** User session (password grant): id and authentication time in epoch seconds. */
  session?: { id: string; authTime: number };
  /** The caller's IP address (service-account `clientHost` / `clientAddress` notes). */
  clientAddress: string;
  /** Epoch seconds. */
  now: number;
}

type Claims = Record<string, unknown>;

/** Declared `AccessToken` / `IDToken` fields in Jackson order; mapper claims follow them. */
const DECLARED = [
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

function appliesTo(mapper: ProtocolMapper, token: 'access' | 'id'): boolean {
  if (ALWAYS.has(mapper.type)) return token === 'access';
  const value = mapper.config[token === 'access' ? 'access.token.claim' : 'id.token.claim'];
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

function sessionNote(context: TokenContext, note: string | undefined): string | undefined {
  if (context.grant === 'client_credentials') {
    return {
      client_id: context.client.clientId,
      clientId: context.client.clientId,
      clientHost: context.clientAddress,
      clientAddress: context.clientAddress,
    }[note ?? ''];
  }
  return note === 'AUTH_TIME' && context.session ? String(context.session.authTime) : undefined;
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
    case 'oidc-audience-resolve-mapper':
      for (const role of roles) {
        if (role.clientId && role.clientId !== context.client.clientId)
          audience.push(role.clientId);
      }
      return;
    case 'oidc-usermodel-realm-role-mapper': {
      const prefix = config['usermodel.realmRoleMapping.rolePrefix'] ?? '';
      const names = roles.filter((role) => !role.clientId).map((role) => prefix + role.name);
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
          access[clientId] = { roles: names };
          declared.resource_access = access;
        } else {
          setClaim(other, claimName.replace('${client_id}', clientId.replace(/\./g, '\\.')), names);
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
      const values = context.user.attributes[config['user.attribute'] ?? ''];
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
  for (const name of DECLARED) if (declared[name] !== undefined) result[name] = declared[name];
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

/** Access-token lifespan in seconds: client `access.token.lifespan`, else the realm's (300). */
export function accessTokenLifespan(realm: Realm, client: Client): number {
  const override = Number(client.attributes['access.token.lifespan']);
  return Number.isInteger(override) && override > 0 ? override : realm.accessTokenLifespan;
}

/** Claims of the access token for this context, in Keycloak's member order (facts §3.2). */
export function accessTokenClaims(context: TokenContext): Claims {
  const roles = context.realm.expandRoles(context.user.roles);
  const declared: Claims = {
    exp: context.now + accessTokenLifespan(context.realm, context.client),
    iat: context.now,
    jti: `${JTI_PREFIX[context.grant]}:${randomUUID()}`,
    iss: context.issuer,
    typ: 'Bearer',
    azp: context.client.clientId,
    sid: context.session?.id,
    scope: scopeString(context),
  };
  const other: Claims = {};
  const audience: string[] = [];
  for (const mapper of mappersFor(context)) {
    if (appliesTo(mapper, 'access'))
      applyMapper(mapper, { context, roles, declared, other, audience });
  }
  if (other.auth_time !== undefined) {
    declared.auth_time = other.auth_time;
    delete other.auth_time;
  }
  const unique = [...new Set(audience)];
  if (unique.length > 0) declared.aud = unique.length === 1 ? unique[0] : unique;
  return order(declared, other);
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
  if (other.auth_time !== undefined) {
    declared.auth_time = other.auth_time;
    delete other.auth_time;
  }
  delete declared.realm_access;
  delete declared.resource_access;
  delete declared['allowed-origins'];
  delete declared.scope;
  return order(declared, other);
}
