import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The oldest Java that Keycloak 26 runs on (17, 21 and 25 are supported). */
export const MINIMUM_JAVA = 17;

export interface JavaRuntime {
  /** The java executable, chosen as kc.sh chooses it: `$JAVA`, `$JAVA_HOME/bin/java`, `java`. */
  command: string;
  /** e.g. `17.0.15`. */
  version: string;
  major: number;
}

/** The java kc.sh will run for this environment. */
export function javaCommand(env: Record<string, string | undefined>): string {
  if (env.JAVA) return env.JAVA;
  if (env.JAVA_HOME) return join(env.JAVA_HOME, 'bin', 'java');
  return 'java';
}

/** Parses `java -version` output (`openjdk version "17.0.15" 2025-04-15`, `"1.8.0_392"`). */
export function parseJavaVersion(output: string): { version: string; major: number } | undefined {
  const version = /version "([^"]+)"/.exec(output)?.[1];
  if (!version) return undefined;
  const [first, second] = version.split(/[.+-]/).map(Number);
  return { version, major: first === 1 ? second : first };
}

/**
 * The Java that kc.sh would use, or a sentence saying what is missing (no java at all, or one
 * older than 17).
 */
export function findJava(env: Record<string, string | undefined>): JavaRuntime | string {
  const command = javaCommand(env);
  const result = spawnSync(command, ['-version'], {
    encoding: 'utf8',
    env: env,
  });
  const parsed = result.error ? undefined : parseJavaVersion(`${result.stderr}${result.stdout}`);
  if (!parsed) {
    return `Java ${MINIMUM_JAVA} or newer is needed and none was found (tried \`${command} -version\`; set JAVA_HOME or put java on PATH)`;
  }
  if (parsed.major < MINIMUM_JAVA) {
    return `Java ${MINIMUM_JAVA} or newer is needed; \`${command}\` is Java ${parsed.version} (set JAVA_HOME to a newer JDK)`;
  }
  return { command, ...parsed };
}
