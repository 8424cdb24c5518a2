import { Inject, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ConfigModule } from '@nestjs/config';
import {
  ServiceTokenHealthIndicator,
  ServiceTokenModule,
  ServiceTokenService,
} from '@app/auth/caller';
import { exportKeycloakAuthMetrics, exportServiceTokenMetrics } from '@app/auth/metrics';
import {
  KeycloakAuthEvents,
  KeycloakAuthGuard,
  KeycloakAuthHealthIndicator,
  KeycloakAuthModule,
} from '@app/auth/receiver';
import {
  HealthModule,
  METRICS_REGISTRY,
  MetricsModule,
  READINESS_CHECKS,
  TracingModule,
} from '@app/common';
import { StoreHealthIndicator, StoreModule } from '@app/store';
import type { Registry } from 'prom-client';
import { AuthTracing } from './tracing/auth-tracing.js';
import { CheckoutModule } from './checkout/checkout.module.js';
import type { ShopApiConfig } from './config/shop-api.config.js';
import { SHOP_API_MIGRATIONS, SHOP_API_SCHEMA } from './store/shop-api.migrations.js';

@Module({})
export class AppModule implements OnModuleInit {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    private readonly authEvents: KeycloakAuthEvents,
    private readonly tokens: ServiceTokenService,
  ) {}

  /** Both halves' events as metrics: customer-token validations, and shop-api's own token. */
  onModuleInit(): void {
    exportKeycloakAuthMetrics(this.registry, this.authEvents);
    exportServiceTokenMetrics(this.registry, this.tokens);
  }

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
        KeycloakAuthModule.forRoot({
          issuer: keycloak.issuer,
          realmUrl: keycloak.realmUrl,
          audience: keycloak.clientId,
          jwksMaxAgeMs: keycloak.jwksMaxAgeMs,
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
        // Deny by default: every route declares @ServiceAuth, @UserAuth or @Public, or is refused.
        { provide: APP_GUARD, useExisting: KeycloakAuthGuard },
        AuthTracing,
        {
          provide: READINESS_CHECKS,
          inject: [KeycloakAuthHealthIndicator, ServiceTokenHealthIndicator, StoreHealthIndicator],
          useFactory: (
            keys: KeycloakAuthHealthIndicator,
            token: ServiceTokenHealthIndicator,
            store: StoreHealthIndicator,
          ) => [
            () => keys.isHealthy('keycloak-jwks'),
            () => token.isHealthy('service-token'),
            () => store.isHealthy('database'),
          ],
        },
      ],
      exports: [READINESS_CHECKS],
    };
  }
}
