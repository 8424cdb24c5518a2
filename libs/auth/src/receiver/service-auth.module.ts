import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ClaimPolicy } from './claim-policy.js';
import { JwksKeyProvider } from './jwks-key-provider.js';
import { RESOLVED_SERVICE_AUTH_OPTIONS } from './service-auth.constants.js';
import { ServiceAuthEvents } from './service-auth.events.js';
import { ServiceAuthGuard } from './service-auth.guard.js';
import { ServiceAuthHealthIndicator } from './service-auth.health.js';
import {
  SERVICE_AUTH_OPTIONS,
  ServiceAuthConfigurableModule,
} from './service-auth.module-definition.js';
import {
  resolveServiceAuthOptions,
  type ResolvedServiceAuthOptions,
  type ServiceAuthOptions,
} from './service-auth.options.js';
import { ServiceAuthStrategy } from './service-auth.strategy.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/**
 * Validates incoming Keycloak access tokens and authorizes routes.
 *
 * `ServiceAuthModule.forRoot(options)` or `.forRootAsync({ imports, inject, useFactory })`.
 * Registers ServiceAuthGuard as a global guard: every route must declare @ServiceAuth, @UserAuth
 * or @Public. Exports ServiceAuthHealthIndicator and ServiceAuthEvents.
 */
@Module({
  providers: [
    {
      provide: RESOLVED_SERVICE_AUTH_OPTIONS,
      inject: [SERVICE_AUTH_OPTIONS],
      useFactory: (options: ServiceAuthOptions) => resolveServiceAuthOptions(options),
    },
    ServiceAuthEvents,
    {
      provide: ClaimPolicy,
      inject: [RESOLVED_SERVICE_AUTH_OPTIONS],
      useFactory: (options: ResolvedServiceAuthOptions) => new ClaimPolicy(options),
    },
    {
      provide: JwksKeyProvider,
      inject: [RESOLVED_SERVICE_AUTH_OPTIONS, ServiceAuthEvents],
      useFactory: (options: ResolvedServiceAuthOptions, events: ServiceAuthEvents) =>
        new JwksKeyProvider(options, events),
    },
    {
      provide: VerifiedTokenCache,
      inject: [RESOLVED_SERVICE_AUTH_OPTIONS, JwksKeyProvider],
      useFactory: (options: ResolvedServiceAuthOptions, keys: JwksKeyProvider) => {
        const cache = new VerifiedTokenCache(options.verifiedTokenCacheSize, options.clock);
        keys.onKeySetChange(() => cache.clear());
        return cache;
      },
    },
    ServiceAuthStrategy,
    ServiceAuthGuard,
    { provide: APP_GUARD, useExisting: ServiceAuthGuard },
    HealthIndicatorService,
    ServiceAuthHealthIndicator,
  ],
  exports: [ServiceAuthHealthIndicator, ServiceAuthEvents],
})
export class ServiceAuthModule extends ServiceAuthConfigurableModule {}
