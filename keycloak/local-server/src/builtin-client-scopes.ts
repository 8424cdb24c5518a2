import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientScopeRepresentation } from './realm-representation.js';

/**
 * The built-in client scopes a Keycloak 26.6.4 realm gets when its import has no `clientScopes`
 * array, with every mapper, exactly as that Keycloak reports them (the JSON beside this file was
 * read from its admin API; see `_source` there), and the realm's default scope lists.
 */
const builtin = JSON.parse(readFileSync(join(__dirname, 'builtin-client-scopes.json'), 'utf8')) as {
  clientScopes: ClientScopeRepresentation[];
  defaultDefaultClientScopes: string[];
  defaultOptionalClientScopes: string[];
};

export const BUILTIN_CLIENT_SCOPES = builtin.clientScopes;

/** The realm's `defaultDefaultClientScopes` when the import does not list them. */
export const BUILTIN_DEFAULT_CLIENT_SCOPES = builtin.defaultDefaultClientScopes;

/** The realm's `defaultOptionalClientScopes` when the import does not list them. */
export const BUILTIN_OPTIONAL_CLIENT_SCOPES = builtin.defaultOptionalClientScopes;
