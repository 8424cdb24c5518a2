import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ServiceTokenHttpModule } from '@app/auth/caller';
import type { ShopApiConfig } from '../config/shop-api.config.js';
import { DEFAULT_DELIVERY_OPTIONS, DELIVERY_OPTIONS } from './delivery-options.js';
import { NotificationClient } from './notification-client.js';
import { NotificationDeliveryService } from './notification-delivery.service.js';
import { OutboxRelay } from './outbox-relay.service.js';
import { OutboxMetrics } from './outbox.metrics.js';
import { OutboxRepository } from './outbox.repository.js';

/** The notification outbox and its relay to notification-service, as shop-api itself. */
@Module({
  imports: [
    // An HttpService for notification-service whose requests carry shop-api's own token.
    ServiceTokenHttpModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<ShopApiConfig, true>) => ({
        baseURL: config.get('notificationServiceUrl', { infer: true }),
        timeoutMs: DEFAULT_DELIVERY_OPTIONS.retryAttemptTimeoutMs,
      }),
    }),
  ],
  providers: [
    NotificationClient,
    NotificationDeliveryService,
    OutboxRepository,
    OutboxMetrics,
    OutboxRelay,
    { provide: DELIVERY_OPTIONS, useValue: DEFAULT_DELIVERY_OPTIONS },
  ],
  exports: [OutboxRepository, OutboxRelay],
})
export class NotificationsModule {}
