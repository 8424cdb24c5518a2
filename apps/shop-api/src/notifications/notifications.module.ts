import { Module } from '@nestjs/common';
import { ServiceTokenHttpModule } from '@app/auth';
import { SHOP_API_CONFIG, type ShopApiConfig } from '../config/shop-api.config';
import { NotificationClient } from './notification-client';
import {
  DEFAULT_DELIVERY_OPTIONS,
  DELIVERY_OPTIONS,
  NotificationDeliveryService,
} from './notification-delivery.service';

/** Delivery of order notifications to notification-service, as shop-api itself. */
@Module({
  imports: [
    // An HttpService for notification-service whose requests carry shop-api's own token.
    ServiceTokenHttpModule.registerAsync({
      inject: [SHOP_API_CONFIG],
      useFactory: (config: ShopApiConfig) => ({
        baseURL: config.notificationServiceUrl,
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
