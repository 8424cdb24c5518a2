import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { PAIR } from '../support/pair.js';
import { loadNotificationServiceConfig } from '../../apps/notification-service/src/config/notification-service.config.js';
import { NotificationServiceEnvironment } from '../../apps/notification-service/src/config/notification-service.environment.js';
import { loadShopApiConfig } from '../../apps/shop-api/src/config/shop-api.config.js';
import { ShopApiEnvironment } from '../../apps/shop-api/src/config/shop-api.environment.js';
import {
  REPO_ROOT,
  dependenciesOf,
  durationMs,
  envExample,
  environmentOf,
  interpolations,
  loadCompose,
  portMappings,
  repoFile,
  withDefaults,
  type ComposeService,
} from './compose-file.js';
import { TracingEnvironment, tracingRequested, validateEnvironment } from '@app/common';
import { argsOf, execForm, loadDockerfile } from './dockerfile.js';

// Static checks of docker-compose.yml, Dockerfile and .dockerignore (Docker is not available
// where these tests run). They compare the files with the apps' configuration classes and the
// realm file, so a renamed variable, a wrong issuer or a missing placeholder fails here first.

const { raw, compose } = loadCompose();
const services = compose.services;
const realmText = repoFile('keycloak/techstore-realm.json');
const realm = JSON.parse(realmText) as {
  realm: string;
  clients: { clientId: string; secret?: string }[];
};
const stages = loadDockerfile();
const runtime = stages[stages.length - 1];
const healthcheck = argsOf(runtime, 'HEALTHCHECK')[0];
const healthcheckArgv = () => execForm(healthcheck ?? '');

const keycloak = services.keycloak;
const keycloakEnv = environmentOf(keycloak);

/** The value of each variable with compose's defaults applied (a clone with no .env). */
function resolvedEnvironment(service: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environmentOf(service)).map(([name, value]) => [name, withDefaults(value)]),
  );
}

function hasHealthcheck(name: string): boolean {
  const service = services[name];
  return service.healthcheck !== undefined || (service.build !== undefined && !!healthcheck);
}

describe('docker-compose.yml', () => {
  it('defines Keycloak, the mail catcher, the trace viewer and both apps', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['jaeger', 'keycloak', 'mailpit', 'postgres', PAIR.caller, PAIR.receiver].sort(),
    );
  });

  it('gives every variable a default, so `docker compose up` works without a .env', () => {
    const used = interpolations(raw);
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((variable) => variable.fallback === undefined)).toEqual([]);
  });

  it('takes each dev-only default from .env.example', () => {
    const example = envExample();
    for (const { name, fallback } of interpolations(raw)) {
      if (name in example) expect({ name, fallback }).toEqual({ name, fallback: example[name] });
    }
  });

  it('pins third-party images to exact versions (Keycloak 26.x)', () => {
    expect(keycloak.image).toMatch(/^quay\.io\/keycloak\/keycloak:26\.\d+\.\d+$/);
    expect(services.mailpit.image).toMatch(/^axllent\/mailpit:v\d+\.\d+\.\d+$/);
    expect(services.jaeger.image).toMatch(/^jaegertracing\/jaeger:2\.\d+\.\d+$/);
    expect(services.postgres.image).toMatch(/^postgres:\d+\.\d+-[a-z]+$/);
  });

  it('publishes 8080 (Keycloak), 3000, 3001-3004 (replicas), 8025 (Mailpit UI), 1025 (SMTP), 16686 (Jaeger UI)', () => {
    const published = Object.fromEntries(
      Object.entries(services).map(([name, service]) => [name, portMappings(service)]),
    );
    expect(published).toEqual({
      jaeger: [{ host: 16686, container: 16686 }],
      keycloak: [{ host: 8080, container: 8080 }],
      mailpit: [
        { host: 8025, container: 8025 },
        { host: 1025, container: 1025 },
      ],
      'notification-service': [{ host: 3001, hostLast: 3004, container: 3001 }],
      postgres: [],
      'shop-api': [{ host: 3000, container: 3000 }],
    });
  });

  describe('keycloak', () => {
    it('starts in dev mode importing the realm', () => {
      const command = keycloak.command;
      expect(Array.isArray(command) ? command : command?.split(' ')).toEqual([
        'start-dev',
        '--import-realm',
      ]);
    });

    it('mounts the realm file read-only into the import directory, named after its realm', () => {
      const mounts = (keycloak.volumes ?? []).map((volume) => volume.split(':'));
      expect(mounts).toHaveLength(1);
      const [source, target, mode] = mounts[0];
      expect(source).toBe('./keycloak/techstore-realm.json');
      expect(existsSync(join(REPO_ROOT, source))).toBe(true);
      expect(posix.dirname(target)).toBe('/opt/keycloak/data/import');
      // Keycloak 26.2+ refuses `<x>-realm.json` unless the realm inside is named <x>.
      expect(posix.basename(target)).toBe(`${realm.realm}-realm.json`);
      expect(basename(source)).toBe(posix.basename(target));
      expect(mode).toBe('ro');
    });

    it('provides every ${VAR} placeholder of the realm file', () => {
      const placeholders = [
        ...new Set([...realmText.matchAll(/\$\{([^}:]+)(?::[^}]*)?\}/g)].map((m) => m[1])),
      ];
      expect(placeholders.length).toBeGreaterThan(0);
      for (const name of placeholders) {
        expect({ name, value: keycloakEnv[name] }).toEqual({
          name,
          value: expect.stringMatching(new RegExp(`^\\$\\{${name}:-.+\\}$`)),
        });
      }
    });

    it('fixes the frontend URL (so the issuer) and keeps the backchannel dynamic', () => {
      expect(keycloakEnv.KC_HOSTNAME).toBe('http://localhost:8080');
      expect(keycloakEnv.KC_HOSTNAME_BACKCHANNEL_DYNAMIC).toBe('true');
      // The frontend URL is where a browser on the host reaches Keycloak: the published port.
      const { port } = new URL(keycloakEnv.KC_HOSTNAME);
      expect(portMappings(keycloak).map((p) => String(p.host))).toContain(port);
    });

    it('uses Keycloak 26 option names only', () => {
      expect(keycloakEnv.KC_BOOTSTRAP_ADMIN_USERNAME).toMatch(
        /^\$\{KC_BOOTSTRAP_ADMIN_USERNAME:-.+\}$/,
      );
      expect(keycloakEnv.KC_BOOTSTRAP_ADMIN_PASSWORD).toMatch(
        /^\$\{KC_BOOTSTRAP_ADMIN_PASSWORD:-.+\}$/,
      );
      const removedOrDeprecated = [
        'KEYCLOAK_ADMIN',
        'KEYCLOAK_ADMIN_PASSWORD',
        'KC_HOSTNAME_PORT',
        'KC_HOSTNAME_URL',
        'KC_HOSTNAME_PATH',
        'KC_HOSTNAME_STRICT_HTTPS',
        'KC_PROXY',
      ];
      expect(Object.keys(keycloakEnv).filter((name) => removedOrDeprecated.includes(name))).toEqual(
        [],
      );
    });

    it('reports healthy only when ready, asking the management port without curl', () => {
      expect(keycloakEnv.KC_HEALTH_ENABLED).toBe('true');
      expect(keycloak.healthcheck?.test).toEqual([
        'CMD',
        'bash',
        '-c',
        "{ printf 'HEAD /health/ready HTTP/1.0\\r\\n\\r\\n' >&0; grep 'HTTP/1.0 200'; } 0<>/dev/tcp/localhost/9000",
      ]);
      const { interval = '30s', retries = 3, start_period = '0s' } = keycloak.healthcheck!;
      // Start-up with the realm import takes 20-30 s.
      expect(durationMs(start_period)).toBeGreaterThanOrEqual(30_000);
      expect(durationMs(start_period) + retries * durationMs(interval)).toBeGreaterThanOrEqual(
        120_000,
      );
    });
  });

  describe('mailpit', () => {
    it('has a health check', () => {
      expect(services.mailpit.healthcheck?.test).toEqual(['CMD', '/mailpit', 'readyz']);
    });
  });

  describe('jaeger', () => {
    it.each(['shop-api', 'notification-service'])(
      '%s exports its traces to Jaeger by service name over OTLP/HTTP (4318), which turns tracing on',
      (app) => {
        const environment = resolvedEnvironment(services[app]);
        expect(new URL(environment.OTEL_EXPORTER_OTLP_ENDPOINT)).toMatchObject({
          hostname: 'jaeger',
          port: '4318',
          protocol: 'http:',
        });
        expect(tracingRequested(validateEnvironment(TracingEnvironment, environment))).toBe(true);
      },
    );
  });

  describe('postgres', () => {
    const postgres = services.postgres;
    const env = environmentOf(postgres);

    it('keeps its data in a named volume that compose declares', () => {
      expect(postgres.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
      expect(Object.keys(compose.volumes ?? {})).toEqual(['postgres-data']);
    });

    it('reports healthy with pg_isready for the database the apps use', () => {
      expect(postgres.healthcheck?.test).toEqual([
        'CMD',
        'pg_isready',
        `--username=${env.POSTGRES_USER}`,
        `--dbname=${env.POSTGRES_DB}`,
      ]);
    });

    it('takes its password from POSTGRES_PASSWORD with the .env.example default', () => {
      expect(env.POSTGRES_PASSWORD).toBe(
        `\${POSTGRES_PASSWORD:-${envExample().POSTGRES_PASSWORD}}`,
      );
    });

    it.each(['shop-api', 'notification-service'])(
      'is what %s keeps its state in, with the same user, password and database',
      (app) => {
        const url = new URL(withDefaults(environmentOf(services[app]).DATABASE_URL));
        expect(url.protocol).toBe('postgres:');
        expect(url.hostname).toBe('postgres');
        expect(url.port).toBe('5432');
        expect(decodeURIComponent(url.username)).toBe(env.POSTGRES_USER);
        expect(decodeURIComponent(url.password)).toBe(withDefaults(env.POSTGRES_PASSWORD));
        expect(url.pathname).toBe(`/${env.POSTGRES_DB}`);
        expect(dependenciesOf(services[app]).postgres).toBe('service_healthy');
      },
    );
  });

  describe.each([
    {
      app: 'shop-api',
      variables: Object.keys(new ShopApiEnvironment()),
      load: loadShopApiConfig,
      dependencies: ['keycloak', 'notification-service', 'postgres'],
    },
    {
      app: 'notification-service',
      variables: Object.keys(new NotificationServiceEnvironment()),
      load: loadNotificationServiceConfig,
      dependencies: ['keycloak', 'mailpit', 'postgres'],
    },
  ])('$app', ({ app, variables, load, dependencies }) => {
    const service = services[app];
    const environment = resolvedEnvironment(service);

    it('is built from the Dockerfile with APP naming its Nest project', () => {
      expect(service.image).toBeUndefined();
      expect(service.build).toEqual({ context: '.', args: { APP: app } });
      const nestCli = JSON.parse(repoFile('nest-cli.json')) as {
        projects: Record<string, { type: string }>;
      };
      expect(nestCli.projects[app]?.type).toBe('application');
      expect(JSON.parse(repoFile('package.json')).scripts.build).toContain(`nest build ${app}`);
    });

    it('sets only variables its environment class declares', () => {
      expect(Object.keys(environment).filter((name) => !variables.includes(name))).toEqual([]);
    });

    it("passes the app's configuration validation", () => {
      expect(() => load(environment)).not.toThrow();
    });

    it('reaches Keycloak by service name but expects the issuer Keycloak puts in tokens', () => {
      const { keycloak: settings } = load(environment);
      const url = new URL(settings.url);
      expect(url.hostname).toBe('keycloak');
      expect(portMappings(keycloak).map((p) => p.container)).toContain(Number(url.port));
      expect(settings.realm).toBe(realm.realm);
      expect(settings.issuer).toBe(`${keycloakEnv.KC_HOSTNAME}/realms/${realm.realm}`);
      expect(settings.issuer).toBe('http://localhost:8080/realms/techstore');
    });

    it('publishes the port it listens on', () => {
      const { port } = load(environment);
      expect(portMappings(service)).toMatchObject([{ host: port, container: port }]);
    });

    it('starts once its dependencies are healthy', () => {
      const expected = Object.fromEntries(dependencies.map((name) => [name, 'service_healthy']));
      expect(dependenciesOf(service)).toEqual(expected);
      for (const name of dependencies) {
        expect({ name, healthy: hasHealthcheck(name) }).toEqual({ name, healthy: true });
      }
    });
  });

  describe('shop-api', () => {
    const config = () => loadShopApiConfig(resolvedEnvironment(services['shop-api']));

    it('authenticates with the same secret variable the realm gives its client', () => {
      const { keycloak: settings } = config();
      const client = realm.clients.find((c) => c.clientId === settings.clientId);
      const variable = /^\$\{([A-Z0-9_]+)\}$/.exec(client?.secret ?? '')?.[1];
      expect(variable).toBe('SHOP_API_CLIENT_SECRET');
      expect(environmentOf(services['shop-api']).KEYCLOAK_CLIENT_SECRET).toBe(
        keycloakEnv[variable!],
      );
      expect(settings.credential).toEqual({ secret: envExample()[variable!] });
    });

    it('calls notification-service by service name on the port it listens on', () => {
      const url = new URL(config().notificationServiceUrl);
      const target = loadNotificationServiceConfig(
        resolvedEnvironment(services['notification-service']),
      );
      expect(url.hostname).toBe('notification-service');
      expect(Number(url.port)).toBe(target.port);
    });
  });

  describe('notification-service', () => {
    const config = () =>
      loadNotificationServiceConfig(resolvedEnvironment(services['notification-service']));

    it('sends through Mailpit by service name on its SMTP port', () => {
      const url = new URL(config().smtpUrl!);
      expect(url.protocol).toBe('smtp:');
      expect(url.hostname).toBe('mailpit');
      expect(portMappings(services.mailpit).map((p) => p.container)).toContain(Number(url.port));
      expect(url.port).toBe('1025');
    });

    it('scales out (`--scale notification-service=N`): a host port range, no fixed name', () => {
      const [ports] = portMappings(services['notification-service']);
      expect((ports.hostLast ?? ports.host) - ports.host + 1).toBeGreaterThanOrEqual(2);
      expect(raw).not.toContain('container_name');
    });

    it('requires an audience that is a client of the realm', () => {
      expect(realm.clients.map((c) => c.clientId)).toContain(config().keycloak.audience);
    });
  });
});

describe('Dockerfile', () => {
  it('builds in one stage and runs in another, both on the same Node LTS slim image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const majors = stages.map((stage) => /^node:(\d+)-slim$/.exec(stage.image)?.[1]);
    expect(new Set(majors).size).toBe(1);
    const major = Number(majors[0]);
    // Even majors are the LTS lines; 20 reached its end of life in April 2026.
    expect(major % 2).toBe(0);
    expect(major).toBeGreaterThanOrEqual(22);
  });

  it('installs everything and builds in the build stage, production dependencies at run time', () => {
    const build = stages[0];
    expect(build.name).toBeDefined();
    expect(argsOf(build, 'RUN')).toEqual(['npm ci --ignore-scripts', 'npm run build']);
    expect(argsOf(runtime, 'RUN').join(' && ')).toMatch(/^npm ci --omit=dev --ignore-scripts( |$)/);
    expect(argsOf(runtime, 'COPY')).toContain(
      `--from=${build.name} /app/dist/apps/\${APP}/main.js ./main.js`,
    );
    expect(argsOf(runtime, 'ARG')).toContain('APP=shop-api');
    expect(argsOf(runtime, 'ENV').join(' ')).toMatch(/\bAPP=\$\{APP\}/);
  });

  it('copies only files that exist and that .dockerignore keeps in the context', () => {
    const ignored = repoFile('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', '.env']));
    const sources = stages
      .flatMap((stage) => argsOf(stage, 'COPY'))
      .filter((args) => !args.startsWith('--from='))
      .flatMap((args) => args.split(' ').slice(0, -1));
    expect(sources).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'apps', 'libs']),
    );
    for (const source of sources) {
      expect({ source, exists: existsSync(join(REPO_ROOT, source)) }).toEqual({
        source,
        exists: true,
      });
      expect(ignored).not.toContain(source.split('/')[0]);
    }
  });

  it("gives the non-root user one writable folder, the embedded store's default DATA_DIR", () => {
    expect(argsOf(runtime, 'RUN').join(' && ')).toContain(
      `mkdir /app/data && chown node:node /app/data`,
    );
    expect(argsOf(runtime, 'WORKDIR')).toEqual(['/app']);
    expect(new ShopApiEnvironment().DATA_DIR).toBe('data');
  });

  it('runs no install script and drops the install-time telemetry package (ADR 0014)', () => {
    const installs = stages.flatMap((stage) =>
      argsOf(stage, 'RUN').filter((run) => /\bnpm (ci|install|i)\b/.test(run)),
    );
    expect(installs.length).toBeGreaterThanOrEqual(2);
    for (const install of installs) expect(install).toContain('--ignore-scripts');
    expect(argsOf(runtime, 'RUN').join(' ')).toContain('rm -rf node_modules/@scarf');
  });

  it('runs as a non-root user', () => {
    const users = argsOf(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)(:|$)/);
    const keywords = runtime.instructions.map((i) => i.keyword);
    expect(keywords.lastIndexOf('USER')).toBeLessThan(keywords.lastIndexOf('CMD'));
  });

  it("checks readiness with Node's fetch, on each app's default port when PORT is unset", () => {
    const [node, flag, script] = healthcheckArgv();
    expect([node, flag]).toEqual(['node', '-e']);
    expect(script).toContain('/health/ready');
    expect(script).toContain(`'shop-api': ${new ShopApiEnvironment().PORT}`);
    expect(script).toContain(
      `'notification-service': ${new NotificationServiceEnvironment().PORT}`,
    );
    expect(execForm(argsOf(runtime, 'CMD')[0])).toEqual(['node', 'main.js']);
  });

  describe('health check command', () => {
    let status = 200;
    let server: Server;
    let port: number;
    const run = (env: Record<string, string>) =>
      promisify(execFile)(process.execPath, healthcheckArgv().slice(1), { env }).then(
        () => 0,
        (error: { code?: number }) => error.code ?? -1,
      );

    beforeAll(async () => {
      server = createServer((request, response) => {
        response.statusCode = request.url === '/health/ready' ? status : 404;
        response.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });

    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('exits 0 when the app is ready and 1 when it is not', async () => {
      status = 200;
      expect(await run({ APP: 'shop-api', PORT: String(port) })).toBe(0);
      status = 503;
      expect(await run({ APP: 'notification-service', PORT: String(port) })).toBe(1);
    });

    it('exits 1 when nothing listens', async () => {
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const closedPort = (probe.address() as AddressInfo).port;
      await new Promise((resolve) => probe.close(resolve));
      expect(await run({ APP: 'shop-api', PORT: String(closedPort) })).toBe(1);
    });
  });
});
