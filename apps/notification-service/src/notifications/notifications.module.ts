import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NotificationServiceConfig } from '../config/notification-service.config.js';
import { CallerRateLimitGuard } from './caller-rate-limit.guard.js';
import { DEFAULT_IDEMPOTENCY_OPTIONS, IDEMPOTENCY_OPTIONS } from './idempotency-options.js';
import { IdempotencyStore } from './idempotency-store.js';
import { LogMailTransport } from './log-mail-transport.js';
import { MailTransport } from './mail-transport.js';
import { NotificationsController } from './notifications.controller.js';
import { OrderNotificationService } from './order-notification.service.js';
import { SmtpMailTransport } from './smtp-mail-transport.js';

/**
 * `POST /api/notifications/order`; reads `smtpUrl` and `mailFrom` from the global ConfigService,
 * keeps its idempotency records in the global Database.
 */
@Module({
  controllers: [NotificationsController],
  providers: [
    OrderNotificationService,
    CallerRateLimitGuard,
    IdempotencyStore,
    { provide: IDEMPOTENCY_OPTIONS, useValue: DEFAULT_IDEMPOTENCY_OPTIONS },
    {
      provide: MailTransport,
      inject: [ConfigService],
      useFactory: (config: ConfigService<NotificationServiceConfig, true>): MailTransport => {
        const smtpUrl = config.get('smtpUrl', { infer: true });
        return smtpUrl ? new SmtpMailTransport(smtpUrl) : new LogMailTransport();
      },
    },
  ],
})
export class NotificationsModule {}
