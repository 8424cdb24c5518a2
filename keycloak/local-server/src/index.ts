export { startLocalKeycloak, DEFAULT_REALM_FILE } from './local-keycloak.js';
export type {
  LocalKeycloak,
  LocalKeycloakOptions,
  LocalKeycloakStats,
} from './local-keycloak.options.js';
export { LocalKeycloakConfigError } from './local-keycloak.errors.js';
export { generateKeyFile } from './key-file.js';
export { resolvePlaceholders } from './placeholders.js';
