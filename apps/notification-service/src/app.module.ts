import { Inject, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ConfigModule } from '@nestjs/config';
import { exportKeycloakAuthMetrics } from '@app/auth/metrics';
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
import type { NotificationServiceConfig } from './config/notification-service.config.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import {
  NOTIFICATION_SERVICE_MIGRATIONS,
  NOTIFICATION_SERVICE_SCHEMA,
} from './store/notification-service.migrations.js';

@Module({})
export class AppModule implements OnModuleInit {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    private readonly authEvents: KeycloakAuthEvents,
  ) {}

  /** The receiver's events as auth_token_validations_total and auth_jwks_fetches_total. */
  onModuleInit(): void {
    exportKeycloakAuthMetrics(this.registry, this.authEvents);
  }

  static forRoot(config: NotificationServiceConfig): DynamicModule {
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
        MetricsModule.forRoot('notification-service'),
        // Idempotency records: embedded under DATA_DIR, or PostgreSQL shared by replicas.
        StoreModule.forRoot({
          settings: config.store,
          app: 'notification-service',
          schema: NOTIFICATION_SERVICE_SCHEMA,
          migrations: NOTIFICATION_SERVICE_MIGRATIONS,
        }),
        // Service-account tokens for this service (aud), checked against the realm's JWKS.
        KeycloakAuthModule.forRoot({
          issuer: keycloak.issuer,
          realmUrl: keycloak.realmUrl,
          audience: keycloak.audience,
          jwksMaxAgeMs: keycloak.jwksMaxAgeMs,
        }),
        NotificationsModule,
      ],
      providers: [
        // Deny by default: every route declares @ServiceAuth, @UserAuth or @Public, or is refused.
        { provide: APP_GUARD, useExisting: KeycloakAuthGuard },
        AuthTracing,
        {
          // Ready when tokens can be validated (a signing key set is held or fetchable) and the
          // idempotency records can be read.
          provide: READINESS_CHECKS,
          inject: [KeycloakAuthHealthIndicator, StoreHealthIndicator],
          useFactory: (keys: KeycloakAuthHealthIndicator, store: StoreHealthIndicator) => [
            () => keys.isHealthy('keycloak-jwks'),
            () => store.isHealthy('database'),
          ],
        },
      ],
      exports: [READINESS_CHECKS],
    };
  }
}
