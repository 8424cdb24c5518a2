import { createHash } from 'node:crypto';
import {
  BUILTIN_CLIENT_SCOPES,
  BUILTIN_DEFAULT_CLIENT_SCOPES,
  BUILTIN_OPTIONAL_CLIENT_SCOPES,
} from './builtin-client-scopes.js';
import type {
  ClientRepresentation,
  ProtocolMapperRepresentation,
  RealmRepresentation,
  RoleRepresentation,
  UserRepresentation,
} from './realm-representation.js';

export interface ProtocolMapper {
  name: string;
  type: string;
  config: Record<string, string>;
}

export interface ClientScope {
  name: string;
  protocol: string;
  includeInTokenScope: boolean;
  inProviderMetadata: boolean;
  mappers: ProtocolMapper[];
}

export interface Role {
  /** Owning client's clientId; undefined for realm roles. */
  clientId?: string;
  name: string;
  composites: { realm: string[]; client: Record<string, string[]> };
}

export interface Client {
  clientId: string;
  enabled: boolean;
  publicClient: boolean;
  bearerOnly: boolean;
  secret?: string;
  authenticatorType: string;
  serviceAccountsEnabled: boolean;
  directAccessGrantsEnabled: boolean;
  attributes: Record<string, string>;
  defaultScopes: ClientScope[];
  optionalScopes: ClientScope[];
  mappers: ProtocolMapper[];
  webOrigins: string[];
  redirectUris: string[];
}

export interface User {
  id: string;
  /** Lower-cased, as Keycloak stores usernames. */
  username: string;
  enabled: boolean;
  email?: string;
  emailVerified: boolean;
  firstName?: string;
  lastName?: string;
  attributes: Record<string, string[]>;
  password?: string;
  /**
   * A pending required action: "Account is not fully set up". A `temporary` password alone does
   * not block the password grant in Keycloak 26.6 (measured).
   */
  needsSetup: boolean;
  roles: Role[];
  serviceAccountClientId?: string;
}

export interface Realm {
  name: string;
  enabled: boolean;
  /** `none`, `external` (the default) or `all`. */
  sslRequired: string;
  accessTokenLifespan: number;
  ssoSessionIdleTimeout: number;
  notBefore: number;
  loginWithEmailAllowed: boolean;
  clients: Map<string, Client>;
  /** OpenID Connect client scopes the discovery document lists in `scopes_supported`. */
  metadataScopes: string[];
  users: User[];
  serviceAccounts: Map<string, User>;
  /** Role references (`client/role` or `role`) that name no defined role: real Keycloak refuses such an import. */
  undefinedRoles: string[];
  /** Every role of the realm with the composites of each expanded on demand. */
  expandRoles(roles: Role[]): Role[];
}

const roleKey = (clientId: string | undefined, name: string) => `${clientId ?? ''}\u0000${name}`;

/** Keycloak-style UUID text, stable per realm and username so a restart keeps `sub`. */
function stableUuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const ACCOUNT_ROLES: RoleRepresentation[] = [
  { name: 'view-profile' },
  { name: 'manage-account', composites: { client: { account: ['manage-account-links'] } } },
  { name: 'manage-account-links' },
  { name: 'view-applications' },
  { name: 'view-consent' },
  { name: 'manage-consent', composites: { client: { account: ['view-consent'] } } },
  { name: 'delete-account' },
  { name: 'view-groups' },
];

const toMapper = (rep: ProtocolMapperRepresentation): ProtocolMapper => ({
  name: rep.name ?? '',
  type: rep.protocolMapper ?? '',
  config: { ...(rep.config ?? {}) },
});

/**
 * Builds the realm as Keycloak 26 holds it after `--import-realm` (facts §3.4, §7.1): built-in
 * roles and scopes added where the file has none, client flag defaults, service-account users
 * created with the default roles when not listed, imported users with exactly their listed roles.
 */
export function buildRealm(rep: RealmRepresentation): Realm {
  const name = rep.realm ?? '';
  const roles = new Map<string, Role>();
  const addRole = (clientId: string | undefined, role: RoleRepresentation) => {
    if (!role.name) return;
    roles.set(roleKey(clientId, role.name), {
      clientId,
      name: role.name,
      composites: {
        realm: role.composites?.realm ?? [],
        client: role.composites?.client ?? {},
      },
    });
  };
  for (const role of rep.roles?.realm ?? []) addRole(undefined, role);
  for (const [clientId, list] of Object.entries(rep.roles?.client ?? {})) {
    for (const role of list) addRole(clientId, role);
  }
  // Keycloak creates uma_protection on clients with authorization services enabled.
  for (const client of rep.clients ?? []) {
    if (
      client.authorizationServicesEnabled &&
      client.clientId &&
      !roles.has(roleKey(client.clientId, 'uma_protection'))
    ) {
      addRole(client.clientId, { name: 'uma_protection' });
    }
  }
  for (const builtin of ['offline_access', 'uma_authorization']) {
    if (!roles.has(roleKey(undefined, builtin))) addRole(undefined, { name: builtin });
  }
  if (!rep.roles?.client?.account) for (const role of ACCOUNT_ROLES) addRole('account', role);
  const defaultRole: RoleRepresentation = rep.defaultRole ?? {
    name: `default-roles-${name.toLowerCase()}`,
    composites: {
      realm: ['offline_access', 'uma_authorization'],
      client: { account: ['view-profile', 'manage-account'] },
    },
  };
  if (defaultRole.name && !roles.has(roleKey(undefined, defaultRole.name))) {
    addRole(undefined, defaultRole);
  }
  const undefinedRoles = new Set<string>();
  const lookupRoles = (realmRoles: string[], clientRoles: Record<string, string[]>): Role[] => {
    const refs: Array<[string | undefined, string]> = [
      ...realmRoles.map((role): [undefined, string] => [undefined, role]),
      ...Object.entries(clientRoles).flatMap(([clientId, names]) =>
        names.map((role): [string, string] => [clientId, role]),
      ),
    ];
    return refs.flatMap(([clientId, name]) => {
      const role = roles.get(roleKey(clientId, name));
      if (!role) undefinedRoles.add(clientId ? `${clientId}/${name}` : name);
      return role ? [role] : [];
    });
  };

  const expandRoles = (start: Role[]): Role[] => {
    const seen = new Map<string, Role>();
    const queue = [...start];
    for (let role = queue.shift(); role; role = queue.shift()) {
      const key = roleKey(role.clientId, role.name);
      if (seen.has(key)) continue;
      seen.set(key, role);
      queue.push(...lookupRoles(role.composites.realm, role.composites.client));
    }
    return [...seen.values()];
  };

  const scopes = new Map(
    (rep.clientScopes ?? BUILTIN_CLIENT_SCOPES).map((scope): [string, ClientScope] => [
      scope.name ?? '',
      {
        name: scope.name ?? '',
        protocol: scope.protocol ?? 'openid-connect',
        includeInTokenScope: scope.attributes?.['include.in.token.scope'] !== 'false',
        inProviderMetadata: scope.attributes?.['include.in.openid.provider.metadata'] !== 'false',
        mappers: (scope.protocolMappers ?? []).map(toMapper),
      },
    ]),
  );
  const oidcScopes = (names: string[]) =>
    names
      .map((scopeName) => scopes.get(scopeName))
      .filter((scope): scope is ClientScope => scope?.protocol === 'openid-connect');
  const realmDefaultScopes = rep.defaultDefaultClientScopes ?? BUILTIN_DEFAULT_CLIENT_SCOPES;
  const realmOptionalScopes = rep.defaultOptionalClientScopes ?? BUILTIN_OPTIONAL_CLIENT_SCOPES;

  const users: User[] = (rep.users ?? []).map((user) => toUser(name, user, lookupRoles));
  const clients = new Map<string, Client>();
  const serviceAccounts = new Map<string, User>();
  for (const clientRep of rep.clients ?? []) {
    const { clientId } = clientRep;
    if (!clientId) continue;
    const client = toClient(
      { ...clientRep, clientId },
      realmDefaultScopes,
      realmOptionalScopes,
      oidcScopes,
    );
    clients.set(client.clientId, client);
    if (!client.serviceAccountsEnabled) continue;
    const listed = users.find((user) => user.serviceAccountClientId === client.clientId);
    if (listed) {
      serviceAccounts.set(client.clientId, listed);
      continue;
    }
    // ClientManager.enableServiceAccount: default roles and the service_account scope (26.1+).
    const username = `service-account-${client.clientId}`.toLowerCase();
    serviceAccounts.set(client.clientId, {
      id: stableUuid(name, username),
      username,
      enabled: true,
      emailVerified: false,
      attributes: {},
      needsSetup: false,
      roles: lookupRoles([defaultRole.name ?? ''], {}),
      serviceAccountClientId: client.clientId,
    });
    const serviceAccountScope = oidcScopes(['service_account']);
    if (!client.defaultScopes.some((scope) => scope.name === 'service_account')) {
      client.defaultScopes.push(...serviceAccountScope);
    }
  }

  return {
    name,
    enabled: rep.enabled === true,
    sslRequired: rep.sslRequired ?? 'external',
    accessTokenLifespan: rep.accessTokenLifespan ?? 300,
    ssoSessionIdleTimeout: rep.ssoSessionIdleTimeout ?? 1800,
    notBefore: rep.notBefore ?? 0,
    loginWithEmailAllowed: rep.loginWithEmailAllowed ?? true,
    clients,
    metadataScopes: [...scopes.values()]
      .filter((scope) => scope.protocol === 'openid-connect' && scope.inProviderMetadata)
      .map((scope) => scope.name),
    users: users.filter((user) => user.serviceAccountClientId === undefined),
    serviceAccounts,
    undefinedRoles: [...undefinedRoles],
    expandRoles,
  };
}

function toUser(
  realm: string,
  rep: UserRepresentation,
  lookupRoles: (realmRoles: string[], clientRoles: Record<string, string[]>) => Role[],
): User {
  const username = (rep.username ?? '').toLowerCase();
  const password = rep.credentials?.find(
    (credential) => (credential.type ?? 'password') === 'password',
  );
  return {
    id: rep.id ?? stableUuid(realm, username),
    username,
    enabled: rep.enabled === true,
    email: rep.email?.toLowerCase(),
    emailVerified: rep.emailVerified === true,
    firstName: rep.firstName,
    lastName: rep.lastName,
    attributes: Object.fromEntries(
      Object.entries(rep.attributes ?? {}).map(([key, value]) => [
        key,
        Array.isArray(value) ? value : [value],
      ]),
    ),
    password: password?.value,
    needsSetup: (rep.requiredActions ?? []).length > 0,
    roles: lookupRoles(rep.realmRoles ?? [], rep.clientRoles ?? {}),
    serviceAccountClientId: rep.serviceAccountClientId,
  };
}

function toClient(
  rep: ClientRepresentation & { clientId: string },
  realmDefaultScopes: string[],
  realmOptionalScopes: string[],
  oidcScopes: (names: string[]) => ClientScope[],
): Client {
  // RepresentationToModel: with neither flag in the file the client is public (facts §7.1).
  const publicClient = rep.publicClient ?? rep.bearerOnly === undefined;
  return {
    clientId: rep.clientId,
    enabled: rep.enabled !== false,
    publicClient,
    bearerOnly: rep.bearerOnly === true,
    secret: rep.secret,
    authenticatorType: rep.clientAuthenticatorType ?? 'client-secret',
    serviceAccountsEnabled:
      rep.serviceAccountsEnabled === true || rep.authorizationServicesEnabled === true,
    directAccessGrantsEnabled: rep.directAccessGrantsEnabled !== false,
    attributes: { ...(rep.attributes ?? {}) },
    defaultScopes: oidcScopes(rep.defaultClientScopes ?? realmDefaultScopes),
    optionalScopes: oidcScopes(rep.optionalClientScopes ?? realmOptionalScopes),
    mappers: (rep.protocolMappers ?? []).map(toMapper),
    webOrigins: rep.webOrigins ?? [],
    redirectUris: rep.redirectUris ?? [],
  };
}
