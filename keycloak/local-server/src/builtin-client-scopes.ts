import type { ClientScopeRepresentation } from './realm-representation.js';

const claim = (
  mapper: string,
  name: string,
  config: Record<string, string>,
): NonNullable<ClientScopeRepresentation['protocolMappers']>[number] => ({
  name,
  protocol: 'openid-connect',
  protocolMapper: mapper,
  consentRequired: false,
  config,
});

const userProperty = (name: string, property: string, claimName: string, type = 'String') =>
  claim('oidc-usermodel-property-mapper', name, {
    'user.attribute': property,
    'id.token.claim': 'true',
    'access.token.claim': 'true',
    'claim.name': claimName,
    'jsonType.label': type,
    'userinfo.token.claim': 'true',
  });

const sessionNote = (name: string, note: string, claimName: string, type = 'String') =>
  claim('oidc-usersessionmodel-note-mapper', name, {
    'user.session.note': note,
    'id.token.claim': 'true',
    'introspection.token.claim': 'true',
    'access.token.claim': 'true',
    'claim.name': claimName,
    'jsonType.label': type,
  });

/**
 * The built-in OIDC client scopes a Keycloak 26.6 realm gets when its import has no `clientScopes`
 * array (mappers as in the export `../fixtures/keycloak-26.6-builtin-client-scopes.fragment.json`,
 * which `builtin-client-scopes.spec.ts` checks; `profile` limited to the claims a user of this
 * server can have; `address`, `phone`, `microprofile-jwt`, `offline_access` present as names so
 * they can be requested).
 */
export const BUILTIN_CLIENT_SCOPES: ClientScopeRepresentation[] = [
  {
    name: 'roles',
    protocol: 'openid-connect',
    attributes: { 'include.in.token.scope': 'false' },
    protocolMappers: [
      claim('oidc-usermodel-realm-role-mapper', 'realm roles', {
        'access.token.claim': 'true',
        'claim.name': 'realm_access.roles',
        'jsonType.label': 'String',
        multivalued: 'true',
      }),
      claim('oidc-audience-resolve-mapper', 'audience resolve', {}),
      claim('oidc-usermodel-client-role-mapper', 'client roles', {
        'access.token.claim': 'true',
        'claim.name': 'resource_access.${client_id}.roles',
        'jsonType.label': 'String',
        multivalued: 'true',
      }),
    ],
  },
  {
    name: 'service_account',
    protocol: 'openid-connect',
    attributes: { 'include.in.token.scope': 'false' },
    protocolMappers: [
      sessionNote('Client ID', 'client_id', 'client_id'),
      sessionNote('Client Host', 'clientHost', 'clientHost'),
      sessionNote('Client IP Address', 'clientAddress', 'clientAddress'),
    ],
  },
  {
    name: 'web-origins',
    protocol: 'openid-connect',
    attributes: { 'include.in.token.scope': 'false' },
    protocolMappers: [claim('oidc-allowed-origins-mapper', 'allowed web origins', {})],
  },
  {
    name: 'basic',
    protocol: 'openid-connect',
    attributes: { 'include.in.token.scope': 'false' },
    protocolMappers: [
      claim('oidc-sub-mapper', 'sub', {
        'introspection.token.claim': 'true',
        'access.token.claim': 'true',
      }),
      sessionNote('auth_time', 'AUTH_TIME', 'auth_time', 'long'),
    ],
  },
  {
    name: 'email',
    protocol: 'openid-connect',
    attributes: { 'include.in.token.scope': 'true' },
    protocolMappers: [
      userProperty('email', 'email', 'email'),
      userProperty('email verified', 'emailVerified', 'email_verified', 'boolean'),
    ],
  },
  {
    name: 'profile',
    protocol: 'openid-connect',
    attributes: { 'include.in.token.scope': 'true' },
    protocolMappers: [
      userProperty('username', 'username', 'preferred_username'),
      claim('oidc-full-name-mapper', 'full name', {
        'id.token.claim': 'true',
        'access.token.claim': 'true',
        'userinfo.token.claim': 'true',
      }),
      userProperty('given name', 'firstName', 'given_name'),
      userProperty('family name', 'lastName', 'family_name'),
    ],
  },
  {
    name: 'acr',
    protocol: 'openid-connect',
    attributes: { 'include.in.token.scope': 'false' },
    protocolMappers: [
      claim('oidc-acr-mapper', 'acr loa level', {
        'id.token.claim': 'true',
        'introspection.token.claim': 'true',
        'access.token.claim': 'true',
      }),
    ],
  },
  { name: 'role_list', protocol: 'saml', attributes: {}, protocolMappers: [] },
  ...['offline_access', 'address', 'phone', 'microprofile-jwt'].map(
    (name): ClientScopeRepresentation => ({
      name,
      protocol: 'openid-connect',
      attributes: { 'include.in.token.scope': 'true' },
      protocolMappers: [],
    }),
  ),
];

export const BUILTIN_DEFAULT_CLIENT_SCOPES = [
  'roles',
  'profile',
  'role_list',
  'email',
  'web-origins',
  'acr',
  'basic',
];

export const BUILTIN_OPTIONAL_CLIENT_SCOPES = [
  'offline_access',
  'address',
  'phone',
  'microprofile-jwt',
];
