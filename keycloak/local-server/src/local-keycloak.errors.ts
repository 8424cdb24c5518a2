/** Invalid options or realm files given to `startLocalKeycloak`; lists every problem found. */
export class LocalKeycloakSetupError extends Error {
  readonly code = 'ERR_LOCAL_KEYCLOAK_SETUP';

  constructor(readonly problems: string[]) {
    super(`Local Keycloak cannot start:\n- ${problems.join('\n- ')}`);
    this.name = 'LocalKeycloakSetupError';
  }
}
