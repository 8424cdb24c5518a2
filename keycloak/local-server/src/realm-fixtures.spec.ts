import { join } from 'node:path';
import { startLocalKeycloak } from './index.js';
import { basicAuth, decodeToken, get, postForm } from './testing/http-helpers.js';

// The realm files in keycloak/local-server/fixtures (what each exercises: README.md there) load
// without crashing; what the server does not emulate is named in exactly one warning line per
// realm, and what it does emulate still works.
const FIXTURES = join(__dirname, '..', 'fixtures');

async function withFixture<T>(
  file: string,
  use: (oidc: string, lines: string[]) => Promise<T>,
): Promise<T> {
  const lines: string[] = [];
  const server = await startLocalKeycloak({
    realms: [join(FIXTURES, file)],
    log: (line) => lines.push(line),
  });
  try {
    return await use(`${server.realmUrl()}/protocol/openid-connect`, lines);
  } finally {
    await server.stop();
  }
}

describe('realm fixtures', () => {
  it('serves the built-in scopes fragment (no realm name, an unknown key) under its file name', async () => {
    await withFixture('keycloak-26.6-builtin-client-scopes.fragment.json', async (oidc, lines) => {
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(
        'the file has no "realm" name (served as "keycloak-26.6-builtin-client-scopes.fragment")',
      );
      expect(lines[0]).toContain('realm setting _comment');
      expect(lines[0]).toContain('protocol mapper oidc-address-mapper (scope address)');
      expect(oidc).toContain('/realms/keycloak-26.6-builtin-client-scopes.fragment/');
      expect((await get(`${oidc}/certs`)).json.keys).toHaveLength(2);
    });
  });

  it('serves the authorization-services realm: authz named, its listed service account working', async () => {
    await withFixture('authz-service-account-realm.json', async (oidc, lines) => {
      expect(lines).toEqual([
        expect.stringMatching(
          /standard flow \/ browser login \(archive-app\); authorization services \(archive-app\)$/,
        ),
      ]);
      const service = await postForm(
        `${oidc}/token`,
        { grant_type: 'client_credentials' },
        { authorization: basicAuth('archive-app', 'archive-app-demo-secret') },
      );
      const { payload } = decodeToken(service.json.access_token);
      expect(payload).toMatchObject({
        azp: 'archive-app',
        preferred_username: 'service-account-archive-app',
        resource_access: { 'archive-app': { roles: ['uma_protection'] } },
      });
      expect(payload).not.toHaveProperty('aud');
      expect(payload).not.toHaveProperty('client_id');
      expect(payload).not.toHaveProperty('realm_access');

      const user = await postForm(
        `${oidc}/token`,
        { grant_type: 'password', username: 'dave', password: 'dave-demo-password' },
        { authorization: basicAuth('archive-app', 'archive-app-demo-secret') },
      );
      const userPayload = decodeToken(user.json.access_token).payload;
      expect(userPayload).toMatchObject({
        azp: 'archive-app',
        preferred_username: 'dave',
        name: 'Dave Archivist',
        // A Java HashSet's order, as Keycloak writes role lists (measured side by side).
        realm_access: { roles: ['archivist', 'reader'] },
      });
      expect(userPayload).not.toHaveProperty('aud');
      expect(userPayload).not.toHaveProperty('resource_access');
    });
  });

  it('serves the custom-scope-only realm despite its file name: no aud, no client_id', async () => {
    await withFixture('custom-scope-only-realm.json', async (oidc, lines) => {
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(
        'the file name says realm "custom-scope-only" but the file holds realm "gadgetshop" (Keycloak 26.2+ refuses this import)',
      );
      expect(lines[0]).toContain('standard flow / browser login (gadget-web)');
      expect(oidc).toContain('/realms/gadgetshop/');
      const service = await postForm(`${oidc}/token`, {
        grant_type: 'client_credentials',
        client_id: 'gadget-api',
        client_secret: 'gadget-api-demo-secret',
      });
      const servicePayload = decodeToken(service.json.access_token).payload;
      expect(servicePayload).toMatchObject({
        azp: 'gadget-api',
        roles: ['default-roles-gadgetshop', 'offline_access', 'uma_authorization'],
      });
      expect(servicePayload).not.toHaveProperty('aud');
      expect(servicePayload).not.toHaveProperty('client_id');
      expect(servicePayload).not.toHaveProperty('realm_access');

      const login = (username: string) =>
        postForm(`${oidc}/token`, {
          grant_type: 'password',
          client_id: 'gadget-web',
          username,
          password: `${username}-demo-password`,
        });
      const lena = await login('lena');
      expect(lena.json.scope).toBe('gadgetshop-scope');
      expect(decodeToken(lena.json.access_token).payload).toMatchObject({
        roles: ['shopper'],
        canCheckout: true,
        name: 'Lena Fischer',
        email: 'lena.fischer@example.com',
      });
      const frozen = await login('frozen');
      expect(decodeToken(frozen.json.access_token).payload).toMatchObject({
        roles: ['shopper'],
        canCheckout: false,
      });
    });
  });
});
