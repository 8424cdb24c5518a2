import { Logger, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import {
  getServiceTokenHealthIndicatorToken,
  getServiceTokenServiceToken,
} from './service-token.constants.js';
import { ServiceTokenHealthIndicator } from './service-token.health.js';
import {
  SERVICE_TOKEN_ASYNC_OPTIONS_TYPE,
  SERVICE_TOKEN_MODULE_OPTIONS,
  SERVICE_TOKEN_OPTIONS_TYPE,
  ServiceTokenConfigurableModule,
} from './service-token.module-definition.js';
import type { ServiceTokenOptions } from './service-token.options.js';
import { ServiceTokenService } from './service-token.service.js';

/**
 * This service's client-credentials token for Nest apps. `forRoot(options)` /
 * `forRootAsync({ imports, inject, useFactory })`; options are validated when the module is
 * created (every problem listed). Provides `ServiceTokenService` and
 * `ServiceTokenHealthIndicator` (by class, or `@InjectServiceToken(name)` for named clients).
 */
@Module({})
export class ServiceTokenModule extends ServiceTokenConfigurableModule {
  static override forRoot(options: typeof SERVICE_TOKEN_OPTIONS_TYPE): DynamicModule {
    return withClient(super.forRoot(options), options.name);
  }

  static override forRootAsync(options: typeof SERVICE_TOKEN_ASYNC_OPTIONS_TYPE): DynamicModule {
    return withClient(super.forRootAsync(options), options.name);
  }
}

function withClient(definition: DynamicModule, name: string | undefined): DynamicModule {
  const serviceToken = getServiceTokenServiceToken(name);
  const healthToken = getServiceTokenHealthIndicatorToken(name);
  const providers: Provider[] = [
    {
      provide: serviceToken,
      useFactory: (options: ServiceTokenOptions) =>
        new ServiceTokenService(
          { logger: new Logger(name ? `ServiceToken:${name}` : 'ServiceToken'), ...options },
          name,
        ),
      inject: [SERVICE_TOKEN_MODULE_OPTIONS],
    },
    {
      provide: healthToken,
      useFactory: (tokens: ServiceTokenService) =>
        new ServiceTokenHealthIndicator(tokens, new HealthIndicatorService()),
      inject: [serviceToken],
    },
  ];
  return {
    ...definition,
    providers: [...(definition.providers ?? []), ...providers],
    exports: [...(definition.exports ?? []), serviceToken, healthToken],
  };
}
