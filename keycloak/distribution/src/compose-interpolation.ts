import { DistKeycloakSetupError } from './dist-keycloak.errors.js';

const VARIABLE =
  /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * Docker Compose's variable interpolation of one value: `$$` is a literal `$`; `${VAR}` and
 * `$VAR`; `${VAR:-default}` (unset or empty) and `${VAR-default}` (unset); `${VAR:?message}` and
 * `${VAR?message}` (required); `${VAR:+alternative}` and `${VAR+alternative}`. An unset variable
 * without a default becomes an empty string, as compose does (with a warning there).
 */
export function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(
    VARIABLE,
    (
      whole: string,
      braced: string | undefined,
      operator: string | undefined,
      argument: string | undefined,
      bare: string | undefined,
    ) => {
      if (whole === '$$') return '$';
      const name = braced ?? bare ?? '';
      const current = env[name];
      const unsetOrEmpty = current === undefined || current === '';
      switch (operator) {
        case ':-':
          return unsetOrEmpty ? (argument ?? '') : current;
        case '-':
          return current === undefined ? (argument ?? '') : current;
        case ':?':
        case '?':
          if (operator === ':?' ? unsetOrEmpty : current === undefined) {
            throw new DistKeycloakSetupError([
              `docker-compose.yml requires ${name}: ${argument || 'not set'}`,
            ]);
          }
          return current ?? '';
        case ':+':
          return unsetOrEmpty ? '' : (argument ?? '');
        case '+':
          return current === undefined ? '' : (argument ?? '');
        default:
          return current ?? '';
      }
    },
  );
}
