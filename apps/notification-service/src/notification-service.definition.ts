import type { ServiceBootstrap } from '@app/common';
import { AppModule } from './app.module.js';
import {
  loadNotificationServiceConfig,
  type NotificationServiceConfig,
} from './config/notification-service.config.js';

export const notificationService: ServiceBootstrap<NotificationServiceConfig> = {
  name: 'notification-service',
  description:
    'Sends order emails; accepts only service-account tokens of allowed callers holding notifications:send.',
  loadConfig: loadNotificationServiceConfig,
  appModule: (config) => AppModule.forRoot(config),
  // 50 items with 200-character names fit; shop-api's default of 16 KiB would not.
  httpLimits: { bodyBytes: 64 * 1024 },
};
