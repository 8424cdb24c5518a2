import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const REPO_ROOT = join(__dirname, '..', '..');

export function repoFile(path: string): string {
  return readFileSync(join(REPO_ROOT, path), 'utf8');
}

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string> };
  command?: string | string[];
  environment?: Record<string, string> | string[];
  ports?: (string | number)[];
  volumes?: string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: {
    test: string | string[];
    interval?: string;
    timeout?: string;
    retries?: number;
    start_period?: string;
  };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export function loadCompose(): { raw: string; compose: ComposeFile } {
  const raw = repoFile('docker-compose.yml');
  return { raw, compose: parse(raw) as ComposeFile };
}

/** A service's environment as a map, values as written (`${VAR:-default}` kept). */
export function environmentOf(service: ComposeService): Record<string, string> {
  const environment = service.environment ?? {};
  if (!Array.isArray(environment)) {
    return Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, String(v)]));
  }
  return Object.fromEntries(
    environment.map((entry) => [
      entry.slice(0, entry.indexOf('=')),
      entry.slice(entry.indexOf('=') + 1),
    ]),
  );
}

const INTERPOLATION = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}/g;

/** Compose variables (`${NAME}`, `${NAME:-default}`) a text uses, with their defaults. */
export function interpolations(text: string): { name: string; fallback?: string }[] {
  return [...text.matchAll(INTERPOLATION)].map((match) => ({
    name: match[1],
    fallback: match[2] === undefined ? undefined : match[3],
  }));
}

/** The value compose uses when the variable is not set (no .env): every `${VAR:-x}` becomes x. */
export function withDefaults(value: string): string {
  return value.replace(
    INTERPOLATION,
    (whole: string, _name: string, operator?: string, fallback?: string): string => {
      if (operator === undefined) throw new Error(`${whole} has no default`);
      return fallback ?? '';
    },
  );
}

/** `"8080:8080"` → { host: 8080, container: 8080 }. */
/** `HOST:CONTAINER` or a host range `FIRST-LAST:CONTAINER` (one host port per replica). */
export function portMappings(
  service: ComposeService,
): { host: number; hostLast?: number; container: number }[] {
  return (service.ports ?? []).map((port) => {
    const [hosts, container] = String(port).split(':').slice(-2);
    const [host, hostLast] = hosts.split('-').map(Number);
    return { host, ...(hostLast !== undefined && { hostLast }), container: Number(container) };
  });
}

export function dependenciesOf(service: ComposeService): Record<string, string | undefined> {
  const dependsOn = service.depends_on ?? {};
  if (Array.isArray(dependsOn))
    return Object.fromEntries(dependsOn.map((name) => [name, undefined]));
  return Object.fromEntries(Object.entries(dependsOn).map(([name, d]) => [name, d.condition]));
}

/** Compose durations such as `5s`, `1m30s`, `500ms`, in milliseconds. */
export function durationMs(duration: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== duration) {
    throw new Error(`not a compose duration: ${duration}`);
  }
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * units[unit], 0);
}

/** `KEY=value` lines of .env.example. */
export function envExample(): Record<string, string> {
  return Object.fromEntries(
    repoFile('.env.example')
      .split('\n')
      .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}
