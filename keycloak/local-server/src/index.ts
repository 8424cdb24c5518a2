export { startLocalKeycloak, DEFAULT_REALM_FILE } from './local-keycloak';
export type {
  LocalKeycloak,
  LocalKeycloakOptions,
  LocalKeycloakStats,
} from './local-keycloak.options';
export { LocalKeycloakSetupError } from './local-keycloak.errors';
export { generateKeyFile } from './key-file';
export { resolvePlaceholders } from './placeholders';
