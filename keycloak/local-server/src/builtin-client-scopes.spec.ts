import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUILTIN_CLIENT_SCOPES,
  BUILTIN_DEFAULT_CLIENT_SCOPES,
  BUILTIN_OPTIONAL_CLIENT_SCOPES,
} from './builtin-client-scopes.js';
import type { RealmRepresentation } from './realm-representation.js';

// The built-in scopes this server creates for a realm without `clientScopes` are those of a real
// Keycloak 26.6 export (fixtures/keycloak-26.6-builtin-client-scopes.fragment.json): every scope
// and mapper it defines exists there with the same type and settings. It may leave mappers out
// (profile's attribute mappers, address, phone, microprofile-jwt), never invent or change one.
const exported = JSON.parse(
  readFileSync(
    join(__dirname, '..', 'fixtures', 'keycloak-26.6-builtin-client-scopes.fragment.json'),
    'utf8',
  ),
) as RealmRepresentation;
const inTokenScope = (attributes: Record<string, string> = {}) =>
  attributes['include.in.token.scope'] ?? 'true';

describe('built-in client scopes', () => {
  it.each(BUILTIN_CLIENT_SCOPES.map((scope) => [scope.name, scope] as const))(
    '%s: protocol, include.in.token.scope and mappers as in the Keycloak 26.6 export',
    (name, scope) => {
      const real = (exported.clientScopes ?? []).find((candidate) => candidate.name === name);
      expect(real).toBeDefined();
      expect(scope.protocol).toBe(real?.protocol);
      expect(inTokenScope(scope.attributes)).toBe(inTokenScope(real?.attributes));
      expect(real?.protocolMappers ?? []).toEqual(
        expect.arrayContaining(
          (scope.protocolMappers ?? []).map((mapper) =>
            expect.objectContaining({
              name: mapper.name,
              protocolMapper: mapper.protocolMapper,
              config: expect.objectContaining(mapper.config),
            }),
          ),
        ),
      );
    },
  );

  it('makes the same scopes the realm defaults as the Keycloak 26.6 export', () => {
    expect([...BUILTIN_DEFAULT_CLIENT_SCOPES].sort()).toEqual(
      [...(exported.defaultDefaultClientScopes ?? [])].sort(),
    );
    expect([...BUILTIN_OPTIONAL_CLIENT_SCOPES].sort()).toEqual(
      [...(exported.defaultOptionalClientScopes ?? [])].sort(),
    );
  });
});
