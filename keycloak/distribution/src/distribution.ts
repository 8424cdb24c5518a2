import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DistKeycloakSetupError, OTHER_WAYS } from './dist-keycloak.errors.js';

/** Git-ignored folder of the repository where the distribution is unpacked once. */
export const DEFAULT_CACHE_DIR = join(__dirname, '..', '..', '..', '.cache', 'keycloak');

/** The Maven plugin that fetches and unpacks the zip, pinned like every other dependency. */
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

/** Maven coordinates of Keycloak's server distribution. */
export const distributionArtifact = (version: string) =>
  `org.keycloak:keycloak-quarkus-dist:${version}:zip`;

export interface Distribution {
  /** The unpacked distribution (`bin/kc.sh`, `lib/`, `conf/` …); never written to at run time. */
  home: string;
  /** The version the distribution says it is (`version.txt`). */
  version: string;
  origin: 'KEYCLOAK_HOME' | 'cache' | 'maven';
  /** Where Keycloak's own build for `start-dev` (`lib/quarkus`) is kept between starts. */
  buildCache: string;
  /** Set when this call fetched (Maven) and unpacked the distribution. */
  fetched?: { resolveMs: number; unpackMs: number };
}

/** `Keycloak - Version 26.6.4` → `26.6.4`. */
export function distributionVersion(home: string): string | undefined {
  try {
    return /Version\s+(\S+)/.exec(readFileSync(join(home, 'version.txt'), 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

const isDistribution = (home: string) =>
  existsSync(join(home, 'bin', 'kc.sh')) && existsSync(join(home, 'lib', 'quarkus-run.jar'));

type Env = Record<string, string | undefined>;

function run(
  command: string,
  args: string[],
  cwd: string,
  env: Env,
): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, {
      cwd,
      env: env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => done({ code: 127, output: error.message }));
    child.on('close', (code) => done({ code: code ?? 1, output }));
  });
}

const hasMaven = (env: Env) => !spawnSync('mvn', ['-v'], { env: env, stdio: 'ignore' }).error;

/** Fetches the zip with Maven (into the local Maven repository) and unpacks it into the cache. */
async function fetchIntoCache(version: string, cacheDir: string, target: string, env: Env) {
  if (!hasMaven(env)) {
    throw new DistKeycloakSetupError(
      [
        `Keycloak ${version} is not in ${cacheDir} and Maven (\`mvn\`) is not installed to fetch ${distributionArtifact(version)}; install Maven, or download Keycloak ${version} and set KEYCLOAK_HOME to it. ${OTHER_WAYS}`,
      ],
      'maven',
    );
  }
  mkdirSync(cacheDir, { recursive: true });
  const scratch = mkdtempSync(join(cacheDir, '.unpack-'));
  try {
    const artifact = `-Dartifact=${distributionArtifact(version)}`;
    const started = Date.now();
    const fetched = await run(
      'mvn',
      ['-B', '-q', `${DEPENDENCY_PLUGIN}:get`, artifact, '-Dtransitive=false'],
      scratch,
      env,
    );
    if (fetched.code !== 0) {
      throw new DistKeycloakSetupError([
        `Maven could not fetch ${distributionArtifact(version)}:\n${fetched.output.trim()}`,
      ]);
    }
    const resolved = Date.now();
    const unpacked = await run(
      'mvn',
      ['-B', '-q', `${DEPENDENCY_PLUGIN}:unpack`, artifact, `-DoutputDirectory=${scratch}`],
      scratch,
      env,
    );
    const unpackedDir = join(scratch, `keycloak-${version}`);
    if (unpacked.code !== 0 || !isDistribution(unpackedDir)) {
      throw new DistKeycloakSetupError([
        `Maven could not unpack ${distributionArtifact(version)}:\n${unpacked.output.trim()}`,
      ]);
    }
    // A rename is atomic: a concurrent or interrupted fetch never leaves a half cache behind.
    if (!isDistribution(target)) renameSync(unpackedDir, target);
    return { resolveMs: resolved - started, unpackMs: Date.now() - resolved };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The Keycloak distribution to run: `KEYCLOAK_HOME` when set (a distribution someone unpacked by
 * hand), else `<cache>/keycloak-<version>`, fetched through Maven and unpacked there the first
 * time. The cache is `KEYCLOAK_DIST_CACHE` or the repository's git-ignored `.cache/keycloak`.
 */
export async function resolveDistribution(version: string, env: Env): Promise<Distribution> {
  const cacheDir = resolve(env.KEYCLOAK_DIST_CACHE || DEFAULT_CACHE_DIR);
  const buildCacheFor = (home: string, found: string) =>
    join(
      cacheDir,
      'builds',
      `${found}-${createHash('sha256').update(home).digest('hex').slice(0, 12)}`,
    );
  if (env.KEYCLOAK_HOME) {
    const home = resolve(env.KEYCLOAK_HOME);
    const found = distributionVersion(home);
    if (!isDistribution(home) || !found) {
      throw new DistKeycloakSetupError([
        `KEYCLOAK_HOME=${home} is not an unpacked Keycloak distribution (no bin/kc.sh, lib/quarkus-run.jar or version.txt)`,
      ]);
    }
    return {
      home,
      version: found,
      origin: 'KEYCLOAK_HOME',
      buildCache: buildCacheFor(home, found),
    };
  }
  const home = join(cacheDir, `keycloak-${version}`);
  const fetched = isDistribution(home)
    ? undefined
    : await fetchIntoCache(version, cacheDir, home, env);
  return {
    home,
    version: distributionVersion(home) ?? version,
    origin: fetched ? 'maven' : 'cache',
    buildCache: buildCacheFor(home, version),
    fetched,
  };
}
