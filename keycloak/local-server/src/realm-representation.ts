/**
 * The parts of Keycloak's realm import JSON (`RealmRepresentation`) this server reads. Every
 * field is optional, as in a real import file; unknown fields are kept for the warning line.
 */
export interface ProtocolMapperRepresentation {
  name?: string;
  protocol?: string;
  protocolMapper?: string;
  consentRequired?: boolean;
  config?: Record<string, string>;
}

export interface ClientScopeRepresentation {
  name?: string;
  protocol?: string;
  attributes?: Record<string, string>;
  protocolMappers?: ProtocolMapperRepresentation[];
  [key: string]: unknown;
}

export interface RoleRepresentation {
  name?: string;
  composite?: boolean;
  composites?: { realm?: string[]; client?: Record<string, string[]> };
  [key: string]: unknown;
}

export interface ClientRepresentation {
  clientId?: string;
  enabled?: boolean;
  protocol?: string;
  publicClient?: boolean;
  bearerOnly?: boolean;
  secret?: string;
  clientAuthenticatorType?: string;
  serviceAccountsEnabled?: boolean;
  authorizationServicesEnabled?: boolean;
  standardFlowEnabled?: boolean;
  implicitFlowEnabled?: boolean;
  directAccessGrantsEnabled?: boolean;
  fullScopeAllowed?: boolean;
  consentRequired?: boolean;
  attributes?: Record<string, string>;
  defaultClientScopes?: string[];
  optionalClientScopes?: string[];
  protocolMappers?: ProtocolMapperRepresentation[];
  webOrigins?: string[];
  redirectUris?: string[];
  [key: string]: unknown;
}

export interface CredentialRepresentation {
  type?: string;
  value?: string;
  temporary?: boolean;
  [key: string]: unknown;
}

export interface UserRepresentation {
  id?: string;
  username?: string;
  enabled?: boolean;
  email?: string;
  emailVerified?: boolean;
  firstName?: string;
  lastName?: string;
  attributes?: Record<string, string[] | string>;
  credentials?: CredentialRepresentation[];
  requiredActions?: string[];
  realmRoles?: string[];
  clientRoles?: Record<string, string[]>;
  serviceAccountClientId?: string;
  [key: string]: unknown;
}

export interface RealmRepresentation {
  realm?: string;
  enabled?: boolean;
  sslRequired?: string;
  accessTokenLifespan?: number;
  ssoSessionIdleTimeout?: number;
  notBefore?: number;
  loginWithEmailAllowed?: boolean;
  roles?: { realm?: RoleRepresentation[]; client?: Record<string, RoleRepresentation[]> };
  defaultRole?: RoleRepresentation;
  clients?: ClientRepresentation[];
  users?: UserRepresentation[];
  clientScopes?: ClientScopeRepresentation[];
  defaultDefaultClientScopes?: string[];
  defaultOptionalClientScopes?: string[];
  [key: string]: unknown;
}
