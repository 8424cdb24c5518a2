import 'reflect-metadata';
import { bootstrapService } from '@app/common';
import { AppModule } from './app.module';
import { loadNotificationServiceConfig } from './config/notification-service.config';

void bootstrapService({
  name: 'notification-service',
  loadConfig: loadNotificationServiceConfig,
  appModule: (config) => AppModule.forRoot(config),
});
