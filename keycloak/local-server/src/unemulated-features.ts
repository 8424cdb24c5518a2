import type {
  ClientRepresentation,
  RealmRepresentation,
  UserRepresentation,
} from './realm-representation.js';

/** Realm settings this server reads, or that only matter to pages it does not serve. */
const REALM_KEYS = new Set([
  'id',
  'realm',
  'displayName',
  'displayNameHtml',
  'enabled',
  'sslRequired',
  'accessTokenLifespan',
  'ssoSessionIdleTimeout',
  'ssoSessionMaxLifespan',
  'notBefore',
  'loginWithEmailAllowed',
  'roles',
  'defaultRole',
  'clients',
  'users',
  'clientScopes',
  'defaultDefaultClientScopes',
  'defaultOptionalClientScopes',
  'requiredCredentials',
  'defaultSignatureAlgorithm',
  // The event store is read through the admin API, which this server does not serve; its
  // `stats` are the local counterpart.
  'eventsEnabled',
  'eventsExpiration',
  'enabledEventTypes',
  'eventsListeners',
]);

const CLIENT_KEYS = new Set([
  'id',
  'clientId',
  'name',
  'description',
  'enabled',
  'protocol',
  'publicClient',
  'bearerOnly',
  'secret',
  'clientAuthenticatorType',
  'serviceAccountsEnabled',
  'directAccessGrantsEnabled',
  'standardFlowEnabled',
  'implicitFlowEnabled',
  'authorizationServicesEnabled',
  'authorizationSettings',
  'fullScopeAllowed',
  'consentRequired',
  'attributes',
  'defaultClientScopes',
  'optionalClientScopes',
  'protocolMappers',
  'webOrigins',
  'redirectUris',
  'rootUrl',
  'baseUrl',
  'adminUrl',
  'frontchannelLogout',
  'alwaysDisplayInConsole',
  'surrogateAuthRequired',
  'access',
]);

const CLIENT_ATTRIBUTES = new Set([
  'access.token.lifespan',
  'use.jwks.url',
  'jwks.url',
  'use.jwks.string',
  'jwks.string',
  'token.endpoint.auth.signing.alg',
  'token.endpoint.auth.signing.max.exp',
  'access.token.header.type.rfc9068',
  'token.response.type.bearer.lower-case',
  'allow.token.introspection.without.audience.check',
  'client.secret.creation.time',
  'client.secret.expiration.time',
  'client.secret.rotated',
  'client.secret.rotated.creation.time',
  'client.secret.rotated.expiration.time',
  'pkce.code.challenge.method',
  'post.logout.redirect.uris',
  'display.on.consent.screen',
  'consent.screen.text',
  'login_theme',
  'realm_client',
]);

const USER_KEYS = new Set([
  'id',
  'username',
  'enabled',
  'email',
  'emailVerified',
  'firstName',
  'lastName',
  'attributes',
  'credentials',
  'requiredActions',
  'realmRoles',
  'clientRoles',
  'serviceAccountClientId',
  'createdTimestamp',
  'totp',
  'disableableCredentialTypes',
  'notBefore',
  'access',
]);

const EMULATED_MAPPERS = new Set([
  'oidc-audience-mapper',
  'oidc-audience-resolve-mapper',
  'oidc-hardcoded-claim-mapper',
  'oidc-sub-mapper',
  'oidc-acr-mapper',
  'oidc-allowed-origins-mapper',
  'oidc-usersessionmodel-note-mapper',
  'oidc-usermodel-property-mapper',
  'oidc-usermodel-attribute-mapper',
  'oidc-usermodel-realm-role-mapper',
  'oidc-usermodel-client-role-mapper',
  'oidc-full-name-mapper',
]);

/** A value that switches something on: true, a non-zero number, a non-empty string/array/object. */
function isActive(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '')
    return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return value !== 'false';
}

class FeatureList {
  private readonly owners = new Map<string, string[]>();

  add(feature: string, owner?: string): void {
    const list = this.owners.get(feature) ?? [];
    if (owner !== undefined && !list.includes(owner)) list.push(owner);
    this.owners.set(feature, list);
  }

  toArray(): string[] {
    return [...this.owners].map(([feature, owners]) =>
      owners.length > 0 ? `${feature} (${owners.join(', ')})` : feature,
    );
  }
}

function clientFeatures(client: ClientRepresentation, features: FeatureList): void {
  const id = client.clientId ?? '?';
  if (client.protocol === 'saml') features.add('SAML clients', id);
  if (client.standardFlowEnabled !== false) features.add('standard flow / browser login', id);
  if (client.implicitFlowEnabled === true) features.add('implicit flow', id);
  if (client.authorizationServicesEnabled || client.authorizationSettings) {
    features.add('authorization services', id);
  }
  if (client.consentRequired === true) features.add('user consent', id);
  if (client.fullScopeAllowed === false)
    features.add('fullScopeAllowed=false (scope mappings)', id);
  const authenticator = client.clientAuthenticatorType ?? 'client-secret';
  if (!['client-secret', 'client-jwt'].includes(authenticator)) {
    features.add(`client authenticator ${authenticator}`, id);
  }
  for (const [key, value] of Object.entries(client)) {
    if (!CLIENT_KEYS.has(key) && isActive(value)) features.add(`client setting ${key}`, id);
  }
  for (const [name, value] of Object.entries(client.attributes ?? {})) {
    if (name === 'access.token.signed.response.alg' && value === 'RS256') continue;
    if (!CLIENT_ATTRIBUTES.has(name) && isActive(value))
      features.add(`client attribute ${name}`, id);
  }
  for (const mapper of client.protocolMappers ?? []) {
    if (!EMULATED_MAPPERS.has(mapper.protocolMapper ?? '')) {
      features.add(`protocol mapper ${mapper.protocolMapper ?? '?'}`, id);
    }
  }
}

function userFeatures(user: UserRepresentation, features: FeatureList): void {
  const name = user.username ?? '?';
  for (const [key, value] of Object.entries(user)) {
    if (!USER_KEYS.has(key) && isActive(value)) features.add(`user setting ${key}`, name);
  }
  for (const credential of user.credentials ?? []) {
    if ((credential.type ?? 'password') !== 'password')
      features.add(`credential type ${credential.type}`, name);
    else if (credential.value === undefined) features.add('hashed password credentials', name);
  }
}

/**
 * Names of the features in a realm representation that this server accepts but does not
 * emulate (facts §11: never silently accepted), grouped with the clients/users that use them.
 */
export function unemulatedFeatures(rep: RealmRepresentation): string[] {
  const features = new FeatureList();
  for (const [key, value] of Object.entries(rep)) {
    if (!REALM_KEYS.has(key) && isActive(value)) features.add(`realm setting ${key}`);
  }
  if (isActive(rep.defaultSignatureAlgorithm) && rep.defaultSignatureAlgorithm !== 'RS256') {
    features.add(`signature algorithm ${String(rep.defaultSignatureAlgorithm)}`);
  }
  for (const client of rep.clients ?? []) clientFeatures(client, features);
  for (const scope of rep.clientScopes ?? []) {
    if (scope.protocol === 'saml') continue;
    for (const mapper of scope.protocolMappers ?? []) {
      if (!EMULATED_MAPPERS.has(mapper.protocolMapper ?? '')) {
        features.add(
          `protocol mapper ${mapper.protocolMapper ?? '?'}`,
          `scope ${scope.name ?? '?'}`,
        );
      }
    }
  }
  for (const user of rep.users ?? []) userFeatures(user, features);
  return features.toArray();
}
