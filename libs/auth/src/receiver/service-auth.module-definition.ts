import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { ServiceAuthOptions } from './service-auth.options.js';

export const {
  ConfigurableModuleClass: ServiceAuthConfigurableModule,
  MODULE_OPTIONS_TOKEN: SERVICE_AUTH_OPTIONS,
  OPTIONS_TYPE: SERVICE_AUTH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SERVICE_AUTH_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ServiceAuthOptions>({ moduleName: 'ServiceAuth' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, { isGlobal }) => ({
    ...definition,
    global: isGlobal,
  }))
  .build();
