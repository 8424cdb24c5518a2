import { Module, type DynamicModule } from '@nestjs/common';
import { HttpService } from '@nestjs/axios';
import { isHttpUrl } from '../shared/http-url.js';
import { attachServiceToken } from './service-token-axios.js';
import { getServiceTokenServiceToken } from './service-token.constants.js';
import { ServiceTokenConfigError } from './service-token.errors.js';
import {
  SERVICE_TOKEN_HTTP_ASYNC_OPTIONS_TYPE,
  SERVICE_TOKEN_HTTP_MODULE_OPTIONS,
  SERVICE_TOKEN_HTTP_OPTIONS_TYPE,
  ServiceTokenHttpConfigurableModule,
  type ServiceTokenHttpModuleOptions,
} from './service-token-http.module-definition.js';
import type { ServiceTokenService } from './service-token.service.js';

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * `@nestjs/axios` `HttpService` for one resource server whose requests carry this service's
 * token (`register({ baseURL })` / `registerAsync({ client?, imports, inject, useFactory })`).
 * Needs the `ServiceTokenModule` of that client to be visible (global by default).
 */
@Module({})
export class ServiceTokenHttpModule extends ServiceTokenHttpConfigurableModule {
  static override register(options: typeof SERVICE_TOKEN_HTTP_OPTIONS_TYPE): DynamicModule {
    return withHttpService(super.register(options), options.client);
  }

  static override registerAsync(
    options: typeof SERVICE_TOKEN_HTTP_ASYNC_OPTIONS_TYPE,
  ): DynamicModule {
    return withHttpService(super.registerAsync(options), options.client);
  }
}

function withHttpService(definition: DynamicModule, client: string | undefined): DynamicModule {
  return {
    ...definition,
    providers: [
      ...(definition.providers ?? []),
      {
        provide: HttpService,
        useFactory: async (options: ServiceTokenHttpModuleOptions, tokens: ServiceTokenService) => {
          validate(options);
          // The axios that @nestjs/axios (an ES module) uses, also from CommonJS.
          const { default: axios } = await import('axios');
          const instance = axios.create({
            ...options.axios,
            baseURL: options.baseURL,
            timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          });
          return new HttpService(attachServiceToken(instance, tokens));
        },
        inject: [SERVICE_TOKEN_HTTP_MODULE_OPTIONS, getServiceTokenServiceToken(client)],
      },
    ],
    exports: [HttpService],
  };
}

function validate(options: ServiceTokenHttpModuleOptions): void {
  const problems: string[] = [];
  if (!isHttpUrl(options?.baseURL)) problems.push('baseURL: must be an absolute http(s) URL');
  const timeout = options?.timeoutMs;
  if (timeout !== undefined && (!Number.isFinite(timeout) || timeout <= 0)) {
    problems.push('timeoutMs: must be a number of milliseconds > 0');
  }
  if (problems.length > 0) throw new ServiceTokenConfigError(problems);
}
