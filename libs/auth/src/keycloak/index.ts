export * from './keycloak-endpoints.js';
export * from './jws-algorithms.js';
