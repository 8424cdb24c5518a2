import { join } from 'node:path';
import { startLocalKeycloak } from './index.js';
import { basicAuth, decodeToken, get, postForm } from './testing/http-helpers.js';

// The real exports in shared/realm-samples load without crashing; what the server does not
// emulate is named in exactly one warning line per realm, and what it does emulate still works.
const SAMPLES = join(__dirname, '..', '..', '..', '..', 'shared', 'realm-samples');

async function withSample<T>(
  file: string,
  use: (realmUrl: string, lines: string[]) => Promise<T>,
): Promise<T> {
  const lines: string[] = [];
  const server = await startLocalKeycloak({
    realms: [join(SAMPLES, file)],
    log: (line) => lines.push(line),
  });
  try {
    return await use(`${server.realmUrl()}/protocol/openid-connect`, lines);
  } finally {
    await server.stop();
  }
}

describe('realm samples', () => {
  it('serves the Keycloak built-in scopes extract (no realm name, a _note key) under its file name', async () => {
    await withSample(
      'keycloak-26.6-builtin-oidc-client-scopes.extract.json',
      async (oidc, lines) => {
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain('the file has no "realm" name');
        expect(lines[0]).toContain('realm setting _note');
        expect(oidc).toContain('/realms/keycloak-26.6-builtin-oidc-client-scopes.extract/');
        expect((await get(`${oidc}/certs`)).json.keys).toHaveLength(2);
      },
    );
  });

  it('serves the quickstart realm: authorization services named, its service account working', async () => {
    await withSample('keycloak-quickstarts-rest-authz-realm-import.json', async (oidc, lines) => {
      expect(lines).toEqual([
        expect.stringMatching(
          /standard flow \/ browser login \(authz-servlet\); authorization services \(authz-servlet\)$/,
        ),
      ]);
      const response = await postForm(
        `${oidc}/token`,
        { grant_type: 'client_credentials' },
        { authorization: basicAuth('authz-servlet', 'secret') },
      );
      const { payload } = decodeToken(response.json.access_token);
      expect(payload).toMatchObject({
        azp: 'authz-servlet',
        resource_access: { 'authz-servlet': { roles: ['uma_protection'] } },
      });
      expect(payload).not.toHaveProperty('aud');
      expect(payload).not.toHaveProperty('client_id');
    });
  });

  it('serves the MockMart realm: only its custom scope, so no aud and no client_id', async () => {
    await withSample('mockmart-techstore-realm.json', async (oidc, lines) => {
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('Keycloak 26.2+ refuses this import');
      expect(lines[0]).toContain('standard flow / browser login (shop-ui)');
      const service = await postForm(`${oidc}/token`, {
        grant_type: 'client_credentials',
        client_id: 'shop-api',
        client_secret: 'shop-api-secret',
      });
      const servicePayload = decodeToken(service.json.access_token).payload;
      expect(servicePayload).toMatchObject({
        azp: 'shop-api',
        roles: ['default-roles-techstore', 'offline_access', 'uma_authorization'],
      });
      expect(servicePayload).not.toHaveProperty('aud');
      expect(servicePayload).not.toHaveProperty('client_id');
      const user = await postForm(`${oidc}/token`, {
        grant_type: 'password',
        client_id: 'shop-ui',
        username: 'mario',
        password: 'mario123',
      });
      expect(user.json.scope).toBe('techstore-scope');
      expect(decodeToken(user.json.access_token).payload).toMatchObject({
        roles: ['user'],
        canCheckout: true,
        name: 'Mario Rossi',
        email: 'mario.rossi@example.com',
      });
    });
  });
});
