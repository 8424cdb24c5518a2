import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ServiceAuthEvents, ServiceAuthHealthIndicator, ServiceAuthModule } from '@app/auth';
import {
  HealthModule,
  METRICS_REGISTRY,
  MetricsModule,
  READINESS_CHECKS,
  TracingModule,
  exportServiceAuthMetrics,
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
export class AppModule {
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
        ServiceAuthModule.forRoot({
          issuer: keycloak.issuer,
          realmUrl: keycloak.realmUrl,
          audience: keycloak.audience,
        }),
        NotificationsModule,
      ],
      providers: [
        AuthTracing,
        {
          // Ready when tokens can be validated (a signing key set is held or fetchable) and the
          // idempotency records can be read.
          provide: READINESS_CHECKS,
          inject: [ServiceAuthHealthIndicator, StoreHealthIndicator],
          useFactory: (keys: ServiceAuthHealthIndicator, store: StoreHealthIndicator) => [
            () => keys.isHealthy('keycloak-jwks'),
            () => store.isHealthy('database'),
          ],
        },
        {
          provide: 'AUTH_METRICS',
          inject: [METRICS_REGISTRY, ServiceAuthEvents],
          useFactory: (registry: Registry, events: ServiceAuthEvents) => {
            exportServiceAuthMetrics(registry, events);
            return true;
          },
        },
      ],
      exports: [READINESS_CHECKS],
    };
  }
}
