import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ServiceTokenHttpModule } from '@app/auth';
import type { ShopApiConfig } from '../config/shop-api.config.js';
import { NotificationClient } from './notification-client.js';
import {
  DEFAULT_DELIVERY_OPTIONS,
  DELIVERY_OPTIONS,
  NotificationDeliveryService,
} from './notification-delivery.service.js';

/** Delivery of order notifications to notification-service, as shop-api itself. */
@Module({
  imports: [
    // An HttpService for notification-service whose requests carry shop-api's own token.
    ServiceTokenHttpModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<ShopApiConfig, true>) => ({
        baseURL: config.get('notificationServiceUrl', { infer: true }),
        timeout: DEFAULT_DELIVERY_OPTIONS.retryAttemptTimeoutMs,
      }),
    }),
  ],
  providers: [
    NotificationClient,
    NotificationDeliveryService,
    { provide: DELIVERY_OPTIONS, useValue: DEFAULT_DELIVERY_OPTIONS },
  ],
  exports: [NotificationDeliveryService],
})
export class NotificationsModule {}
