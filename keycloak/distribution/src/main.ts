import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { resolvePlaceholders } from '../../local-server/src/placeholders.js';
import { retiredVariablesInUse } from '../../../scripts/rename/pair.js';
import { DistKeycloakSetupError, startDistKeycloak } from './index.js';

// `npm run keycloak:dist [extra realm files…]`: real Keycloak from its distribution in the
// foreground, as compose's `keycloak` service runs it, until Ctrl-C or SIGTERM.
const ROOT = join(__dirname, '..', '..', '..');

function parsePort(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DistKeycloakSetupError([`${name} must be an integer from 0 to 65535`]);
  }
  return port;
}

/** The environment compose interpolates from: the shell's, then the project's `.env` file. */
function composeInterpolationEnv(): Record<string, string | undefined> {
  const file = join(ROOT, '.env');
  const dotEnv = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...dotEnv, ...process.env };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The set variables that extra realm files reference as `${VAR}`: Keycloak needs them too. */
function placeholderValues(files: string[]): Record<string, string> {
  const names = new Set<string>();
  for (const file of files) {
    try {
      resolvePlaceholders(JSON.parse(readFileSync(file, 'utf8')), {}).used.forEach((name) =>
        names.add(name),
      );
    } catch {
      // Keycloak names an unreadable realm file in its own output.
    }
  }
  return Object.fromEntries(
    [...names].flatMap((name) =>
      process.env[name] === undefined ? [] : [[name, process.env[name]]],
    ),
  );
}

async function main(): Promise<void> {
  const retired = retiredVariablesInUse();
  if (retired.length > 0) throw new DistKeycloakSetupError(retired);
  const port = parsePort('KEYCLOAK_DIST_PORT', 8080);
  const managementPort = parsePort('KEYCLOAK_DIST_MANAGEMENT_PORT', 9000);
  const realms = process.argv.slice(2).map((file) => resolve(file));
  const keycloak = await startDistKeycloak({
    port,
    managementPort,
    realms,
    extraEnv: placeholderValues(realms),
    env: composeInterpolationEnv(),
    log: (line) => process.stdout.write(`${line}\n`),
  });
  const { distribution } = keycloak;
  if (distribution.fetched) {
    process.stdout.write(
      `Keycloak ${keycloak.version} fetched with Maven in ${seconds(distribution.fetched.resolveMs)} and unpacked in ${seconds(distribution.fetched.unpackMs)} into ${relative(ROOT, distribution.home) || distribution.home}\n`,
    );
  }
  process.stdout.write(
    `Keycloak ${keycloak.version} ready in ${seconds(keycloak.startupMs)}${keycloak.rebuilt ? " (first start: Keycloak's build step included, kept for later starts)" : ''}: ${keycloak.frontendUrl} · issuer ${keycloak.issuer()} · admin console ${keycloak.adminConsoleUrl} (KC_BOOTSTRAP_ADMIN_USERNAME / KC_BOOTSTRAP_ADMIN_PASSWORD) · health http://127.0.0.1:${keycloak.managementPort}/health/ready · Java ${keycloak.javaVersion} · Ctrl-C stops it\n`,
  );
  let stopping = false;
  const stop = () => {
    stopping = true;
    keycloak.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const code = await keycloak.exited;
  if (stopping) return;
  process.stderr.write(`Keycloak exited on its own (code ${code})\n`);
  process.exit(1);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
