import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG_SKUS } from '../../apps/shop-api/src/catalog/catalog.js';
import { REPO_ROOT, envExample, loadCompose, portMappings, repoFile } from './compose-file.js';
import { readmeComposeCommands } from './readme-commands.js';

// The compose suite runs the README's compose commands verbatim (test/compose-suite); these
// checks, which need no Docker, keep those commands in step with the files they depend on.

const { compose } = loadCompose();
const commands = readmeComposeCommands();
const realm = JSON.parse(repoFile('keycloak/techstore-realm.json')) as {
  realm: string;
  clients: { clientId: string; publicClient?: boolean; directAccessGrantsEnabled?: boolean }[];
  users: { username: string; email?: string }[];
};
const hostPort = (service: string, container: number) =>
  portMappings(compose.services[service]).find((p) => p.container === container)?.host;

describe("README's compose section", () => {
  it('starts the stack with `docker compose up --build`, which the compose suite runs with --wait', () => {
    expect(commands.up).toEqual(['docker', 'compose', 'up', '--build']);
  });

  it("gets alice's token from Keycloak's published port, with the realm's test client and her dev password", () => {
    const tokenUrl = `http://localhost:${hostPort('keycloak', 8080)}/realms/${realm.realm}/protocol/openid-connect/token`;
    expect(commands.checkout).toContain(tokenUrl);
    const client = /client_id=([\w-]+)/.exec(commands.checkout)?.[1];
    expect(realm.clients.find((c) => c.clientId === client)).toMatchObject({
      publicClient: true,
      directAccessGrantsEnabled: true,
    });
    const username = /username=([\w-]+)/.exec(commands.checkout)?.[1];
    expect(realm.users.find((u) => u.username === username)?.email).toBeDefined();
    expect(commands.checkout).toContain(`password=${envExample().DEMO_USER_PASSWORD}`);
  });

  it("checks out a catalogue item at shop-api's published port", () => {
    expect(commands.checkout).toContain(
      `http://localhost:${hostPort('shop-api', 3000)}/api/checkout`,
    );
    const skus = [...commands.checkout.matchAll(/"sku":"([^"]+)"/g)].map((m) => m[1]);
    expect(skus.length).toBeGreaterThan(0);
    for (const sku of skus) expect(CATALOG_SKUS).toContain(sku);
  });

  it("reads the emails from Mailpit's API at its published port", () => {
    expect(commands.emails).toContain(
      `http://localhost:${hostPort('mailpit', 8025)}/api/v1/messages`,
    );
  });

  it('names the Keycloak version compose pins', () => {
    const version = /:(\d+\.\d+\.\d+)$/.exec(compose.services.keycloak.image ?? '')?.[1];
    const section =
      readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').split('### With Docker')[1] ?? '';
    const named = [...section.split('\n## ')[0].matchAll(/Keycloak (\d+\.\d+\.\d+)/g)].map(
      (m) => m[1],
    );
    expect(named.length).toBeGreaterThan(0);
    expect(new Set(named)).toEqual(new Set([version]));
  });

  it('documents `npm run test:compose`, which package.json defines and .ci/compose-suite runs', () => {
    const readme = repoFile('README.md');
    expect(readme.includes('`npm run test:compose`')).toBe(true);
    expect(
      (JSON.parse(repoFile('package.json')) as { scripts: Record<string, string> }).scripts[
        'test:compose'
      ],
    ).toBeDefined();
    expect(repoFile('.ci/compose-suite')).toMatch(/^npm run --silent test:compose$/m);
    expect(repoFile('.ci/run')).toMatch(/^\.ci\/compose-suite$/m);
  });
});
