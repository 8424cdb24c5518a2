/**
 * The real Keycloak the `real-keycloak` Jest project runs against, handed from its global setup
 * to the test files through one environment variable (workers inherit the environment).
 */
export interface RealKeycloakTarget {
  /** Backchannel base URL: how the apps and the tests reach Keycloak. */
  url: string;
  /** Keycloak's frontend URL: tokens say `iss` = `${frontendUrl}/realms/<realm>`. */
  frontendUrl: string;
  version: string;
  /** Realms imported there (`conformance` only when this run started Keycloak, or it exists). */
  realms: string[];
  /** The temporary admin of the master realm, for the admin API (events). */
  admin: { username: string; password: string };
  /** Whether this run started it (`npm run keycloak:dist` machinery) or KEYCLOAK_URL named it. */
  startedByThisRun: boolean;
  /** How to restart it with its data kept (restartDistKeycloak), when this run started it. */
  restartable?: { processGroup: number; managementPort: number };
}

const VARIABLE = 'REAL_KEYCLOAK_TARGET';
const SKIPPED = 'REAL_KEYCLOAK_SKIPPED';

export function publishTarget(target: RealKeycloakTarget): void {
  process.env[VARIABLE] = JSON.stringify(target);
}

export function publishSkip(reason: string): void {
  process.env[SKIPPED] = reason;
}

/** The real Keycloak of this run, or undefined when the global setup skipped it (no Java). */
export function realKeycloakTarget(): RealKeycloakTarget | undefined {
  const published = process.env[VARIABLE];
  return published ? (JSON.parse(published) as RealKeycloakTarget) : undefined;
}

/** Why there is no real Keycloak in this run. */
export function realKeycloakSkipReason(): string {
  return process.env[SKIPPED] ?? 'the real-Keycloak global setup did not run';
}

export const issuerOf = (target: RealKeycloakTarget, realm = 'techstore') =>
  `${target.frontendUrl}/realms/${realm}`;
