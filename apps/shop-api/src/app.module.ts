import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import {
  ServiceAuthEvents,
  ServiceAuthHealthIndicator,
  ServiceAuthModule,
  ServiceTokenHealthIndicator,
  ServiceTokenModule,
  ServiceTokenService,
} from '@app/auth';
import {
  HealthModule,
  METRICS_REGISTRY,
  MetricsModule,
  READINESS_CHECKS,
  TracingModule,
  exportServiceAuthMetrics,
  exportServiceTokenMetrics,
} from '@app/common';
import { StoreHealthIndicator, StoreModule } from '@app/store';
import type { Registry } from 'prom-client';
import { AuthTracing } from './tracing/auth-tracing.js';
import { CheckoutModule } from './checkout/checkout.module.js';
import type { ShopApiConfig } from './config/shop-api.config.js';
import { SHOP_API_MIGRATIONS, SHOP_API_SCHEMA } from './store/shop-api.migrations.js';

@Module({})
export class AppModule {
  static forRoot(config: ShopApiConfig): DynamicModule {
    const { keycloak } = config;
    return {
      module: AppModule,
      // Global so HealthModule sees READINESS_CHECKS.
      global: true,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: [() => ({ ...config })],
        }),
        HealthModule,
        TracingModule,
        MetricsModule.forRoot('shop-api'),
        // Orders and the notification outbox: embedded under DATA_DIR, or PostgreSQL.
        StoreModule.forRoot({
          settings: config.store,
          app: 'shop-api',
          schema: SHOP_API_SCHEMA,
          migrations: SHOP_API_MIGRATIONS,
        }),
        // Customers' tokens: issued for shop-api (aud), checked against the realm's JWKS.
        ServiceAuthModule.forRoot({
          issuer: keycloak.issuer,
          realmUrl: keycloak.realmUrl,
          audience: keycloak.clientId,
        }),
        // shop-api's own service-account token for calling notification-service.
        ServiceTokenModule.forRoot({
          realmUrl: keycloak.realmUrl,
          clientId: keycloak.clientId,
          ...('secretFile' in keycloak.credential
            ? { clientSecretFile: keycloak.credential.secretFile }
            : { clientSecret: keycloak.credential.secret }),
        }),
        CheckoutModule,
      ],
      providers: [
        AuthTracing,
        {
          provide: READINESS_CHECKS,
          inject: [ServiceAuthHealthIndicator, ServiceTokenHealthIndicator, StoreHealthIndicator],
          useFactory: (
            keys: ServiceAuthHealthIndicator,
            token: ServiceTokenHealthIndicator,
            store: StoreHealthIndicator,
          ) => [
            () => keys.isHealthy('keycloak-jwks'),
            () => token.isHealthy('service-token'),
            () => store.isHealthy('database'),
          ],
        },
        {
          provide: 'AUTH_METRICS',
          inject: [METRICS_REGISTRY, ServiceAuthEvents, ServiceTokenService],
          useFactory: (
            registry: Registry,
            events: ServiceAuthEvents,
            tokens: ServiceTokenService,
          ) => {
            exportServiceAuthMetrics(registry, events);
            exportServiceTokenMetrics(registry, tokens);
            return true;
          },
        },
      ],
      exports: [READINESS_CHECKS],
    };
  }
}
