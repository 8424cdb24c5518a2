import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeEnvironment, readComposeKeycloakService } from './compose-keycloak-service.js';
import { removeScratch, scratchDir } from './testing/scratch.js';

const ROOT = join(__dirname, '..', '..', '..');

function composeFile(text: string): string {
  const file = join(scratchDir('compose-'), 'docker-compose.yml');
  writeFileSync(file, text);
  return file;
}

describe("readComposeKeycloakService: what compose's keycloak service runs", () => {
  afterAll(removeScratch);

  it("reads the repository's compose file: image tag, command, published port, realm mount", () => {
    const service = readComposeKeycloakService();
    expect(service.image).toBe(`quay.io/keycloak/keycloak:${service.version}`);
    expect(service.command).toEqual(['start-dev', '--import-realm']);
    expect(service.httpPort).toEqual({ host: 8080, container: 8080 });
    expect(service.imports).toEqual([
      { source: join(ROOT, 'keycloak', 'techstore-realm.json'), fileName: 'techstore-realm.json' },
    ]);
    expect(service.environment.KC_HOSTNAME).toBe('http://localhost:8080');
  });

  it('interpolates like compose and moves the published port into KC_HOSTNAME', () => {
    const service = readComposeKeycloakService();
    const environment = composeEnvironment(service, { SHOP_API_CLIENT_SECRET: 'from-env' }, 41234);
    expect(environment).toMatchObject({
      KC_HOSTNAME: 'http://localhost:41234',
      KC_HOSTNAME_BACKCHANNEL_DYNAMIC: 'true',
      KC_HEALTH_ENABLED: 'true',
      SHOP_API_CLIENT_SECRET: 'from-env',
      DEMO_USER_PASSWORD: 'dev-only-alice-password',
    });
  });

  it('reads list-style environments, string commands and relative mounts', () => {
    const file = composeFile(`services:
  keycloak:
    image: quay.io/keycloak/keycloak:26.1.2
    command: start-dev  --import-realm
    environment:
      - KC_HTTP_PORT=9090
      - KC_HOSTNAME=http://auth.example:18080/kc
    ports: ['127.0.0.1:18080:9090']
    volumes:
      - ./realms/a-realm.json:/opt/keycloak/data/import/a-realm.json:ro
      - ./themes:/opt/keycloak/themes
`);
    const service = readComposeKeycloakService(file);
    expect(service).toMatchObject({
      version: '26.1.2',
      command: ['start-dev', '--import-realm'],
      httpPort: { host: 18080, container: 9090 },
      imports: [{ source: join(file, '..', 'realms', 'a-realm.json'), fileName: 'a-realm.json' }],
    });
    expect(composeEnvironment(service, {}, 5000).KC_HOSTNAME).toBe('http://auth.example:5000/kc');
  });

  it('names every problem of a compose file it cannot run', () => {
    const file = composeFile(`services:
  keycloak:
    image: keycloak/keycloak:latest
    ports: ['9000:9000']
`);
    expect(() => readComposeKeycloakService(file)).toThrow(
      expect.objectContaining({
        code: 'ERR_KEYCLOAK_DIST_SETUP',
        problems: [
          `${file}: the keycloak service's image must be quay.io/keycloak/keycloak:<x.y.z> (found "keycloak/keycloak:latest")`,
          `${file}: the keycloak service publishes no port 8080`,
        ],
      }),
    );
    expect(() => readComposeKeycloakService(composeFile('services: {}\n'))).toThrow(
      /has no "keycloak" service/,
    );
  });
});
