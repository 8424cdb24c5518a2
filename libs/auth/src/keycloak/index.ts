export * from './keycloak-endpoints';
export * from './jws-algorithms';
