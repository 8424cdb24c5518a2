import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { PAIR } from '../test/support/pair.js';
import type {
  ClientRepresentation,
  RealmRepresentation,
  UserRepresentation,
} from './local-server/src/realm-representation.js';

// The realm file real Keycloak 26 imports (`start-dev --import-realm`): every rule of
// keycloak-facts §3.4 / §7 and of the contract, checked on the JSON itself.
const FILE = join(__dirname, 'techstore-realm.json');
const text = readFileSync(FILE, 'utf8');
const realm = JSON.parse(text) as RealmRepresentation;
const clients: ClientRepresentation[] = realm.clients!;
const users: UserRepresentation[] = realm.users!;
const client = (clientId: string) => clients.find((entry) => entry.clientId === clientId)!;
const serviceAccount = (clientId: string) =>
  users.filter((user) => user.serviceAccountClientId === clientId);
const audienceMappers = (entry: ClientRepresentation) =>
  (entry.protocolMappers ?? []).filter(
    (mapper) => mapper.protocolMapper === 'oidc-audience-mapper',
  );

const FLAGS = [
  'enabled',
  'protocol',
  'publicClient',
  'bearerOnly',
  'serviceAccountsEnabled',
  'standardFlowEnabled',
  'implicitFlowEnabled',
  'directAccessGrantsEnabled',
  'fullScopeAllowed',
];

describe('keycloak/techstore-realm.json', () => {
  it('is named after its realm, enabled, and allows plain HTTP for dev only', () => {
    expect(FILE.endsWith(`${realm.realm}-realm.json`)).toBe(true);
    expect(realm).toMatchObject({ realm: 'techstore', enabled: true, sslRequired: 'none' });
  });

  it('stores login events for a day: the real-Keycloak e2e suite counts token requests there', () => {
    expect(realm).toMatchObject({ eventsEnabled: true, eventsExpiration: 86400 });
  });

  it('holds exactly the contract clients', () => {
    expect(clients.map((entry) => entry.clientId).sort()).toEqual(
      [PAIR.caller, PAIR.receiver, 'reporting-job', 'techstore-e2e', 'techstore-web'].sort(),
    );
  });

  it.each(clients.map((entry) => [entry.clientId, entry]))(
    '%s writes every client flag explicitly',
    (_id, entry) => {
      for (const flag of FLAGS) expect(entry).toHaveProperty(flag);
      expect(entry.protocol).toBe('openid-connect');
      expect(entry.enabled).toBe(true);
      expect(entry.bearerOnly).toBe(false);
    },
  );

  it.each([
    [
      'shop-api',
      {
        publicClient: false,
        serviceAccountsEnabled: true,
        standardFlowEnabled: false,
        directAccessGrantsEnabled: false,
        implicitFlowEnabled: false,
      },
    ],
    [
      'notification-service',
      {
        publicClient: false,
        serviceAccountsEnabled: false,
        standardFlowEnabled: false,
        directAccessGrantsEnabled: false,
        implicitFlowEnabled: false,
      },
    ],
    [
      'reporting-job',
      {
        publicClient: false,
        serviceAccountsEnabled: true,
        standardFlowEnabled: false,
        directAccessGrantsEnabled: false,
        implicitFlowEnabled: false,
      },
    ],
    [
      'techstore-web',
      {
        publicClient: true,
        serviceAccountsEnabled: false,
        standardFlowEnabled: true,
        directAccessGrantsEnabled: false,
        implicitFlowEnabled: false,
      },
    ],
    [
      'techstore-e2e',
      {
        publicClient: true,
        serviceAccountsEnabled: false,
        standardFlowEnabled: false,
        directAccessGrantsEnabled: true,
        implicitFlowEnabled: false,
      },
    ],
  ])('%s has the kind the contract gives it', (clientId, flags) => {
    expect(client(clientId)).toMatchObject(flags);
  });

  it('makes techstore-web a PKCE S256 browser client', () => {
    expect(client('techstore-web').attributes!['pkce.code.challenge.method']).toBe('S256');
    expect(client('techstore-web').redirectUris!.length).toBeGreaterThan(0);
  });

  it.each([
    ['shop-api', 'SHOP_API_CLIENT_SECRET'],
    ['reporting-job', 'REPORTING_JOB_CLIENT_SECRET'],
    ['notification-service', 'NOTIFICATION_SERVICE_CLIENT_SECRET'],
  ])('%s authenticates with a client secret taken from ${%s}', (clientId, variable) => {
    expect(client(clientId)).toMatchObject({
      clientAuthenticatorType: 'client-secret',
      secret: `\${${variable}}`,
    });
  });

  it('gives public clients no secret', () => {
    for (const clientId of ['techstore-web', 'techstore-e2e'])
      expect(client(clientId)).not.toHaveProperty('secret');
  });

  it('contains no literal secret or password: only the four contract placeholders', () => {
    const placeholders = [...text.matchAll(/\$\{([^}]+)\}/g)].map((match) => match[1]);
    const secretOf = (clientId: string) =>
      `${clientId.replaceAll('-', '_').toUpperCase()}_CLIENT_SECRET`;
    expect([...new Set(placeholders)].sort()).toEqual(
      [
        'DEMO_USER_PASSWORD',
        secretOf(PAIR.receiver),
        'REPORTING_JOB_CLIENT_SECRET',
        secretOf(PAIR.caller),
      ].sort(),
    );
    for (const entry of clients)
      if ('secret' in entry) expect(entry.secret).toMatch(/^\$\{[A-Z_]+\}$/);
    for (const user of users) {
      for (const credential of user.credentials ?? [])
        expect(credential.value).toMatch(/^\$\{[A-Z_]+\}$/);
    }
    const devValues = parseEnv(readFileSync(join(__dirname, '..', '.env.example'), 'utf8'));
    for (const name of placeholders) expect(text).not.toContain(devValues[name]);
  });

  it('lists each service-account user, enabled, with exactly its roles', () => {
    const accounts = users.filter((user) => user.serviceAccountClientId);
    expect(accounts.map((user) => user.serviceAccountClientId).sort()).toEqual(
      ['reporting-job', PAIR.caller].sort(),
    );
    for (const clientId of ['shop-api', 'reporting-job']) {
      const [user] = serviceAccount(clientId);
      expect(serviceAccount(clientId)).toHaveLength(1);
      expect(user).toMatchObject({
        username: `service-account-${clientId}`,
        enabled: true,
        realmRoles: [],
      });
    }
    expect(serviceAccount('shop-api')[0].clientRoles).toEqual({
      'notification-service': ['notifications:send'],
    });
    expect(serviceAccount('reporting-job')[0].clientRoles).toEqual({});
  });

  it('defines every role a user references', () => {
    const realmRoles = realm.roles!.realm!.map((role) => role.name);
    for (const user of users) {
      for (const role of user.realmRoles ?? []) expect(realmRoles).toContain(role);
      for (const [clientId, roles] of Object.entries<string[]>(user.clientRoles ?? {})) {
        expect(client(clientId)).toBeDefined();
        const defined = realm.roles!.client![clientId].map((role) => role.name);
        for (const role of roles) expect(defined).toContain(role);
      }
    }
    expect(realm.roles!.client!['notification-service'].map((role) => role.name)).toEqual([
      'notifications:send',
    ]);
  });

  it.each([
    ['shop-api', 'notification-service'],
    ['reporting-job', 'notification-service'],
    ['techstore-web', 'shop-api'],
    ['techstore-e2e', 'shop-api'],
  ])(
    '%s tokens carry aud %s through an audience mapper in the access token',
    (clientId, audience) => {
      const mappers = audienceMappers(client(clientId));
      expect(mappers).toHaveLength(1);
      expect(mappers[0]).toMatchObject({
        protocol: 'openid-connect',
        config: {
          'included.client.audience': audience,
          'access.token.claim': 'true',
          'introspection.token.claim': 'true',
        },
      });
    },
  );

  it('keeps basic (sub) on every client and service_account (client_id) on service-account clients', () => {
    for (const entry of clients) expect(entry.defaultClientScopes).toContain('basic');
    for (const clientId of ['shop-api', 'reporting-job']) {
      expect(client(clientId).defaultClientScopes).toEqual(
        expect.arrayContaining(['service_account', 'roles', 'profile', 'email']),
      );
    }
  });

  it('has no partial clientScopes array that would replace the built-in scopes', () => {
    if (realm.clientScopes === undefined) return;
    const names = realm.clientScopes.map((scope) => scope.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'basic',
        'roles',
        'profile',
        'email',
        'acr',
        'web-origins',
        'service_account',
      ]),
    );
  });

  it('has the customer alice with a verified email and the realm role customer', () => {
    const alice = users.find((user) => user.username === 'alice')!;
    expect(alice).toMatchObject({
      enabled: true,
      email: 'alice@example.com',
      emailVerified: true,
      realmRoles: ['customer'],
      credentials: [{ type: 'password', value: '${DEMO_USER_PASSWORD}', temporary: false }],
    });
    expect(alice.requiredActions ?? []).toEqual([]);
  });
});
