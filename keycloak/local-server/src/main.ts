import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import {
  DEFAULT_REALM_FILE,
  LocalKeycloakConfigError,
  resolvePlaceholders,
  startLocalKeycloak,
} from './index.js';
import { retiredVariablesInUse } from '../../../scripts/rename/pair.js';

// `npm run keycloak:local [realm files…]`: the local Keycloak-compatible server in the foreground.
const DEV_VALUES_FILE = join(__dirname, '..', '..', '..', '.env.example');

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 8080;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LocalKeycloakConfigError(['KEYCLOAK_LOCAL_PORT must be an integer from 0 to 65535']);
  }
  return port;
}

/** Variables the realm files reference, read without resolving anything. */
function referencedVariables(files: string[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    try {
      const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
      resolvePlaceholders(json, {}).used.forEach((name) => names.add(name));
    } catch {
      // startLocalKeycloak reports unreadable files with every other problem.
    }
  }
  return names;
}

/** The environment, completed with `.env.example` dev-only values for referenced unset variables. */
function environmentWithDevFallbacks(files: string[]): {
  env: NodeJS.ProcessEnv;
  fellBack: string[];
} {
  const devValues = parseEnv(readFileSync(DEV_VALUES_FILE, 'utf8'));
  const fellBack = [...referencedVariables(files)].filter(
    (name) => process.env[name] === undefined && devValues[name] !== undefined,
  );
  const env = { ...process.env };
  for (const name of fellBack) env[name] = devValues[name];
  return { env, fellBack };
}

async function main(): Promise<void> {
  const retired = retiredVariablesInUse();
  if (retired.length > 0) throw new LocalKeycloakConfigError(retired);
  const port = parsePort(process.env.KEYCLOAK_LOCAL_PORT);
  const files = process.argv.slice(2);
  const realms = files.length > 0 ? files : [DEFAULT_REALM_FILE];
  const { env, fellBack } = environmentWithDevFallbacks(realms);
  const log = (line: string) => void process.stderr.write(`${line}\n`);
  if (fellBack.length > 0) {
    log(
      `[keycloak-local] unset, using the dev-only values of .env.example: ${fellBack.join(', ')}`,
    );
  }
  const keycloak = await startLocalKeycloak({
    port,
    host: process.env.KEYCLOAK_LOCAL_HOST || '127.0.0.1',
    realms,
    env,
    log,
  });
  process.stdout.write(
    `Local Keycloak ready: issuer ${keycloak.issuer()} (backchannel ${keycloak.url})\n`,
  );
  const stop = () => {
    keycloak.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
