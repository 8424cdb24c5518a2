/**
 * Invalid options or realm files given to `startLocalKeycloak`; lists every problem found. The
 * same scheme as the library's setup errors: `<Area>ConfigError`, code `<AREA>_CONFIG_INVALID`,
 * static as well as on the instance.
 */
export class LocalKeycloakConfigError extends Error {
  static readonly code = 'LOCAL_KEYCLOAK_CONFIG_INVALID';
  readonly code = LocalKeycloakConfigError.code;

  constructor(readonly problems: string[]) {
    super(`Local Keycloak cannot start:\n- ${problems.join('\n- ')}`);
    this.name = 'LocalKeycloakConfigError';
  }
}
