// The public surface of the auth library: apps import only from '@app/auth'.
export * from './keycloak/index.js';
export * from './caller/index.js';
export * from './receiver/index.js';
