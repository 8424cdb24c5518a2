import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { composeEnvironment, readComposeKeycloakService } from './compose-keycloak-service.js';
import type { DistKeycloak, DistKeycloakOptions } from './dist-keycloak.options.js';
import { DistKeycloakSetupError, OTHER_WAYS } from './dist-keycloak.errors.js';
import { resolveDistribution } from './distribution.js';
import { freePort } from './free-port.js';
import { createInstanceHome, type RealmImport } from './instance-home.js';
import { findJava } from './java-runtime.js';
import { restartDistKeycloak } from './restart-dist-keycloak.js';

const WATCHDOG = join(__dirname, 'watchdog.js');
/** What Keycloak inherits from the caller's environment besides compose's `environment`. */
const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'JAVA_HOME', 'JAVA'];
const OUTPUT_LINES = 200;

function realmName(file: string): string {
  try {
    const { realm } = JSON.parse(readFileSync(file, 'utf8')) as { realm?: unknown };
    if (typeof realm === 'string' && realm) return realm;
  } catch {
    // Keycloak names an unreadable file in its own output.
  }
  return basename(file).replace(/(-realm)?\.json$/, '');
}

async function healthReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * Starts real Keycloak from its distribution as docker-compose.yml's `keycloak` service runs it:
 * the same command (`start-dev --import-realm`), the same `KC_*` environment and realm
 * placeholders (interpolated from `env` as compose does), the same realm files in the import
 * directory; only the published port differs (`port`, and `KC_HOSTNAME` follows it). Each start
 * gets a fresh data directory, so the realms are always imported; `restart()` keeps it. Resolves when
 * `/health/ready` answers 200 on the management port.
 */
export async function startDistKeycloak(options: DistKeycloakOptions = {}): Promise<DistKeycloak> {
  const env = options.env ?? process.env;
  const java = findJava(env);
  if (typeof java === 'string') {
    throw new DistKeycloakSetupError([`${java}. ${OTHER_WAYS}`], 'java');
  }
  const service = readComposeKeycloakService(options.composeFile);
  const distribution = await resolveDistribution(service.version, env);
  const port = options.port || (await freePort());
  const managementPort = options.managementPort || (await freePort());
  const imports: RealmImport[] = [
    ...service.imports,
    ...(options.realms ?? []).map((source) => ({ source, fileName: basename(source) })),
  ];
  const realms = imports.map(({ source }) => realmName(source));
  const keycloakEnv: Record<string, string> = {
    ...Object.fromEntries(
      INHERITED.filter((name) => env[name] !== undefined).map((name) => [name, String(env[name])]),
    ),
    ...composeEnvironment(service, env, port),
    ...options.extraEnv,
  };
  const frontendUrl = keycloakEnv.KC_HOSTNAME?.startsWith('http')
    ? keycloakEnv.KC_HOSTNAME
    : `http://localhost:${port}`;
  const instance = createInstanceHome(distribution, imports);
  const args = [
    ...service.command,
    `--http-port=${port}`,
    `--http-management-port=${managementPort}`,
  ];

  let lines: string[] = [];
  let partial = '';
  const collect = (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const complete = text.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) options.log?.(line);
    lines = [...lines, ...complete].slice(-OUTPUT_LINES);
  };
  const output = () => [...lines, partial].join('\n');

  const started = Date.now();
  const watchdog = spawn(process.execPath, [WATCHDOG, instance.dir, instance.kcSh, ...args], {
    env: keycloakEnv,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  watchdog.stdout.on('data', collect);
  watchdog.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) =>
    watchdog.once('exit', (code) => resolve(code)),
  );
  let running = true;
  void exited.then(() => (running = false));
  const stop = () => {
    if (running) watchdog.kill('SIGTERM');
    return exited;
  };

  const deadline = started + (options.readyTimeoutMs ?? 240_000);
  const health = `http://127.0.0.1:${managementPort}/health/ready`;
  for (;;) {
    if (!running) {
      throw new DistKeycloakSetupError([
        `Keycloak ${distribution.version} exited before it was ready. Its last lines:\n${output().split('\n').slice(-30).join('\n')}`,
      ]);
    }
    if (await healthReady(health)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new DistKeycloakSetupError([
        `Keycloak ${distribution.version} was not ready after ${Math.round((Date.now() - started) / 1000)} s. Its last lines:\n${output().split('\n').slice(-30).join('\n')}`,
      ]);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const startupMs = Date.now() - started;
  const rebuilt = instance.rebuilt();
  if (rebuilt) instance.saveBuild();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    frontendUrl,
    port,
    managementPort,
    version: distribution.version,
    javaVersion: java.version,
    startupMs,
    rebuilt,
    distribution: {
      home: distribution.home,
      origin: distribution.origin,
      fetched: distribution.fetched,
    },
    processGroup: watchdog.pid as number,
    issuer: (realm = realms[0]) => `${frontendUrl}/realms/${encodeURIComponent(realm)}`,
    realmUrl: (realm = realms[0]) => `${url}/realms/${encodeURIComponent(realm)}`,
    adminConsoleUrl: `${frontendUrl}/admin/`,
    admin: {
      username: keycloakEnv.KC_BOOTSTRAP_ADMIN_USERNAME ?? '',
      password: keycloakEnv.KC_BOOTSTRAP_ADMIN_PASSWORD ?? '',
    },
    exited,
    output,
    restart: (signal) =>
      restartDistKeycloak({ processGroup: watchdog.pid as number, managementPort }, signal),
    stop: async () => {
      await stop();
    },
  };
}
