import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUILTIN_CLIENT_SCOPES,
  BUILTIN_DEFAULT_CLIENT_SCOPES,
  BUILTIN_OPTIONAL_CLIENT_SCOPES,
} from './builtin-client-scopes.js';
import type { RealmRepresentation } from './realm-representation.js';

// The built-in scopes this server creates for a realm without `clientScopes` are the ones
// Keycloak 26.6.4 itself reported for a freshly imported realm (builtin-client-scopes.json, read
// from its admin API); the side-by-side suite compares the tokens built from them with that
// Keycloak's in every run with Java. Keycloak's 26.6.0 migration export
// (fixtures/keycloak-26.6-builtin-client-scopes.fragment.json) has the same scopes and mappers,
// but as a realm migrated from older versions: some mapper types and flags differ (email and
// username are user-profile attributes in a fresh realm, `introspection.token.claim` is set, the
// `saml_organization` scope exists). So the names must match; the settings are the fresh ones.
const exported = JSON.parse(
  readFileSync(
    join(__dirname, '..', 'fixtures', 'keycloak-26.6-builtin-client-scopes.fragment.json'),
    'utf8',
  ),
) as RealmRepresentation;
const inTokenScope = (attributes: Record<string, string> = {}) =>
  attributes['include.in.token.scope'] ?? 'true';

describe('built-in client scopes (Keycloak 26.6.4)', () => {
  it.each((exported.clientScopes ?? []).map((scope) => [scope.name, scope] as const))(
    '%s of the 26.6.0 export: same protocol, include.in.token.scope and mapper names',
    (name, real) => {
      const scope = BUILTIN_CLIENT_SCOPES.find((candidate) => candidate.name === name);
      expect(scope).toBeDefined();
      expect(scope?.protocol).toBe(real.protocol);
      expect(inTokenScope(scope?.attributes)).toBe(inTokenScope(real.attributes));
      expect((scope?.protocolMappers ?? []).map((mapper) => mapper.name).sort()).toEqual(
        (real.protocolMappers ?? []).map((mapper) => mapper.name).sort(),
      );
    },
  );

  it('makes at least the realm defaults of the 26.6.0 export the realm defaults', () => {
    expect(BUILTIN_DEFAULT_CLIENT_SCOPES).toEqual(
      expect.arrayContaining(exported.defaultDefaultClientScopes ?? []),
    );
    expect(BUILTIN_OPTIONAL_CLIENT_SCOPES).toEqual(
      expect.arrayContaining(exported.defaultOptionalClientScopes ?? []),
    );
  });

  it('names where the definitions come from', () => {
    const source = JSON.parse(
      readFileSync(join(__dirname, 'builtin-client-scopes.json'), 'utf8'),
    ) as { _source: string };
    expect(source._source).toContain('Keycloak 26.6.4');
  });
});
