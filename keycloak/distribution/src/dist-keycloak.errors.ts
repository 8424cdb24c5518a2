/**
 * Real Keycloak from its distribution cannot start: Java or Maven missing, an unreadable compose
 * file, a failed download or a server that exited. Lists every problem; never holds a secret.
 */
export class DistKeycloakSetupError extends Error {
  readonly code = 'ERR_KEYCLOAK_DIST_SETUP';

  constructor(
    readonly problems: string[],
    /** Set when what is missing is a prerequisite of this machine rather than a failure. */
    readonly missing?: 'java' | 'maven',
  ) {
    super(`Keycloak (distribution) cannot start:\n- ${problems.join('\n- ')}`);
    this.name = 'DistKeycloakSetupError';
  }
}

/** The two other ways to get a Keycloak, named in every "cannot start" message. */
export const OTHER_WAYS =
  'Other ways to get a Keycloak: `docker compose up -d keycloak` (real Keycloak in Docker) or `npm run keycloak:local` (the local Keycloak-compatible server, Node only).';
