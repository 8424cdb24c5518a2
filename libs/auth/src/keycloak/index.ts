export * from './keycloak-endpoints';
