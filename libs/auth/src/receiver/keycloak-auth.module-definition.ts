import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { KeycloakAuthOptions } from './keycloak-auth.options.js';

export interface KeycloakAuthModuleExtras {
  /** Default true, as for ServiceTokenModule: the guard and the events are injectable everywhere. */
  isGlobal?: boolean;
}

export const {
  ConfigurableModuleClass: KeycloakAuthConfigurableModule,
  MODULE_OPTIONS_TOKEN: KEYCLOAK_AUTH_OPTIONS,
  OPTIONS_TYPE: KEYCLOAK_AUTH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: KEYCLOAK_AUTH_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<KeycloakAuthOptions>({ moduleName: 'KeycloakAuth' })
  .setClassMethodName('forRoot')
  .setExtras<KeycloakAuthModuleExtras>({ isGlobal: true }, (definition, { isGlobal }) => ({
    ...definition,
    global: isGlobal,
  }))
  .build();
