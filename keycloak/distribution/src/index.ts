export { startDistKeycloak } from './dist-keycloak.js';
export type { DistKeycloak, DistKeycloakOptions } from './dist-keycloak.options.js';
export { DistKeycloakSetupError } from './dist-keycloak.errors.js';
export { COMPOSE_FILE, readComposeKeycloakService } from './compose-keycloak-service.js';
export { findJava, MINIMUM_JAVA } from './java-runtime.js';
export { restartDistKeycloak } from './restart-dist-keycloak.js';
export type { KeycloakRestart, RestartableKeycloak } from './restart-dist-keycloak.js';
