import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { ServiceTokenOptions } from './service-token.options.js';

export interface ServiceTokenModuleExtras {
  /** Several clients in one app: each gets its own name and `@InjectServiceToken(name)`. */
  name?: string;
  /** Default true, as for KeycloakAuthModule: the service is injectable everywhere, as configuration is once per process. */
  isGlobal?: boolean;
}

export const {
  ConfigurableModuleClass: ServiceTokenConfigurableModule,
  MODULE_OPTIONS_TOKEN: SERVICE_TOKEN_MODULE_OPTIONS,
  OPTIONS_TYPE: SERVICE_TOKEN_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SERVICE_TOKEN_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ServiceTokenOptions>({ moduleName: 'ServiceToken' })
  .setClassMethodName('forRoot')
  .setExtras<ServiceTokenModuleExtras>(
    { name: undefined, isGlobal: true },
    (definition, extras) => ({
      ...definition,
      global: extras.isGlobal,
    }),
  )
  .build();
