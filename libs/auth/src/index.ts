// The public surface of the auth library: apps import only from '@app/auth'.
export * from './keycloak';
export * from './caller';
export * from './receiver';
