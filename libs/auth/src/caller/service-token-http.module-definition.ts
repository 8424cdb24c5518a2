import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CreateAxiosDefaults } from 'axios';

export interface ServiceTokenHttpModuleOptions {
  /** The resource server, e.g. `http://notification-service:3001`. */
  baseURL: string;
  /** Timeout of each request; default 10 000. */
  timeoutMs?: number;
  /** Further axios defaults (headers, proxy, ...). */
  axios?: Omit<CreateAxiosDefaults, 'baseURL' | 'timeout'>;
}

export interface ServiceTokenHttpModuleExtras {
  /** `name` of the `ServiceTokenModule.forRoot({ name })` client whose token to send; default the unnamed one. */
  client?: string;
}

export const {
  ConfigurableModuleClass: ServiceTokenHttpConfigurableModule,
  MODULE_OPTIONS_TOKEN: SERVICE_TOKEN_HTTP_MODULE_OPTIONS,
  OPTIONS_TYPE: SERVICE_TOKEN_HTTP_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SERVICE_TOKEN_HTTP_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ServiceTokenHttpModuleOptions>({
  moduleName: 'ServiceTokenHttp',
})
  .setExtras<ServiceTokenHttpModuleExtras>({ client: undefined }, (definition) => definition)
  .build();
