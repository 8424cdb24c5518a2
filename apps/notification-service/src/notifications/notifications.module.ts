import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NotificationServiceConfig } from '../config/notification-service.config.js';
import { CallerRateLimitGuard } from './caller-rate-limit.guard.js';
import { LogMailTransport } from './log-mail-transport.js';
import { MailTransport } from './mail-transport.js';
import { NotificationsController } from './notifications.controller.js';
import { OrderNotificationService } from './order-notification.service.js';
import { SmtpMailTransport } from './smtp-mail-transport.js';

/** `POST /api/notifications/order`; reads `smtpUrl` and `mailFrom` from the global ConfigService. */
@Module({
  controllers: [NotificationsController],
  providers: [
    OrderNotificationService,
    CallerRateLimitGuard,
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
