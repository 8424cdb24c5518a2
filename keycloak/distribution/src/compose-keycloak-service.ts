import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, posix, resolve } from 'node:path';
import { parse } from 'yaml';
import { interpolate } from './compose-interpolation.js';
import { DistKeycloakSetupError } from './dist-keycloak.errors.js';

/** The repository's compose file: the one place the Keycloak version and options are written. */
export const COMPOSE_FILE = join(__dirname, '..', '..', '..', 'docker-compose.yml');

/** Where the official image imports realm files from (`--import-realm`). */
const IMAGE_IMPORT_DIR = '/opt/keycloak/data/import';
/** Keycloak's HTTP port inside the container unless KC_HTTP_PORT says otherwise. */
const DEFAULT_HTTP_PORT = 8080;
const IMAGE = /^quay\.io\/keycloak\/keycloak:(\d+\.\d+\.\d+)$/;

/** What the `keycloak` service of docker-compose.yml runs, as written there. */
export interface ComposeKeycloakService {
  /** The image reference, e.g. `quay.io/keycloak/keycloak:26.6.4`. */
  image: string;
  /** The pinned Keycloak version: the image tag. */
  version: string;
  /** The container's command: `kc.sh` arguments such as `start-dev --import-realm`. */
  command: string[];
  /** `environment` as written, `${VAR:-default}` not yet interpolated. */
  environment: Record<string, string>;
  /** The published HTTP port: host side and Keycloak's port in the container. */
  httpPort: { host: number; container: number };
  /** Realm files bind-mounted into the import directory: absolute host path → file name there. */
  imports: { source: string; fileName: string }[];
}

interface RawService {
  image?: unknown;
  command?: unknown;
  environment?: unknown;
  ports?: unknown;
  volumes?: unknown;
}

function environmentOf(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (Array.isArray(raw)) {
    return Object.fromEntries(
      raw.map((entry) => {
        const text = String(entry);
        const equals = text.indexOf('=');
        return equals < 0 ? [text, ''] : [text.slice(0, equals), text.slice(equals + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(raw as Record<string, unknown>).map(([name, value]) => [
      name,
      value === null || value === undefined ? '' : String(value as string | number | boolean),
    ]),
  );
}

function commandOf(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw === 'string') return raw.split(/\s+/).filter(Boolean);
  return [];
}

/**
 * Reads the `keycloak` service of a compose file: image tag (the version), command, environment,
 * the published HTTP port and the realm files mounted into `/opt/keycloak/data/import`.
 */
export function readComposeKeycloakService(file = COMPOSE_FILE): ComposeKeycloakService {
  let service: RawService | undefined;
  try {
    const compose = parse(readFileSync(file, 'utf8')) as { services?: Record<string, RawService> };
    service = compose?.services?.keycloak;
  } catch (error) {
    throw new DistKeycloakSetupError([`${file}: ${(error as Error).message}`]);
  }
  const problems: string[] = [];
  if (!service) throw new DistKeycloakSetupError([`${file} has no "keycloak" service`]);
  const image = typeof service.image === 'string' ? service.image : '';
  const version = IMAGE.exec(image)?.[1];
  if (!version) {
    problems.push(
      `${file}: the keycloak service's image must be quay.io/keycloak/keycloak:<x.y.z> (found "${image}")`,
    );
  }
  const environment = environmentOf(service.environment);
  const containerPort = Number(environment.KC_HTTP_PORT || DEFAULT_HTTP_PORT);
  const httpPort = (Array.isArray(service.ports) ? service.ports : [])
    .map((port) => String(port).split(':').slice(-2).map(Number))
    .filter((parts) => parts.length === 2 && parts[1] === containerPort)
    .map(([host, container]) => ({ host, container }))[0];
  if (!httpPort) problems.push(`${file}: the keycloak service publishes no port ${containerPort}`);
  const base = dirname(file);
  const imports = (Array.isArray(service.volumes) ? service.volumes : [])
    .map((volume) => String(volume).split(':'))
    .filter(([, target]) => target !== undefined && posix.dirname(target) === IMAGE_IMPORT_DIR)
    .map(([source, target]) => ({
      source: isAbsolute(source) ? source : resolve(base, source),
      fileName: basename(target),
    }));
  if (problems.length > 0) throw new DistKeycloakSetupError(problems);
  return {
    image,
    version: version as string,
    command: commandOf(service.command),
    environment,
    httpPort: httpPort,
    imports,
  };
}

/**
 * The service's environment as compose would pass it (interpolated from `env`), with the
 * published port moved: a URL in `KC_HOSTNAME` that names the compose host port names `port`
 * instead, so the frontend URL (and so `iss`) stays where a browser reaches this Keycloak.
 */
export function composeEnvironment(
  service: ComposeKeycloakService,
  env: Record<string, string | undefined>,
  port: number,
): Record<string, string> {
  const result = Object.fromEntries(
    Object.entries(service.environment).map(([name, value]) => [name, interpolate(value, env)]),
  );
  const hostname = result.KC_HOSTNAME;
  if (hostname && /^https?:\/\//.test(hostname)) {
    const url = new URL(hostname);
    if (Number(url.port) === service.httpPort.host) {
      url.port = String(port);
      result.KC_HOSTNAME = url.toString().replace(/\/$/, '');
    }
  }
  return result;
}
