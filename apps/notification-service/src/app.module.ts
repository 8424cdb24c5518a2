import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { HealthModule, MetricsModule } from '@app/common';
import {
  NOTIFICATION_SERVICE_CONFIG,
  type NotificationServiceConfig,
} from './config/notification-service.config';
import { NotificationsModule } from './notifications/notifications.module';

@Module({})
export class AppModule {
  static forRoot(config: NotificationServiceConfig): DynamicModule {
    return {
      module: AppModule,
      // Global so feature modules can inject the typed configuration.
      global: true,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: [() => ({ ...config })],
        }),
        HealthModule,
        MetricsModule.forRoot('notification-service'),
        NotificationsModule,
      ],
      providers: [{ provide: NOTIFICATION_SERVICE_CONFIG, useValue: config }],
      exports: [NOTIFICATION_SERVICE_CONFIG],
    };
  }
}
