import { Module } from '@nestjs/common';
import {
  NOTIFICATION_SERVICE_CONFIG,
  type NotificationServiceConfig,
} from '../config/notification-service.config';
import { LogMailTransport } from './log-mail-transport';
import { MailTransport } from './mail-transport';
import { NotificationsController } from './notifications.controller';
import { OrderNotificationService } from './order-notification.service';
import { SmtpMailTransport } from './smtp-mail-transport';

/** `POST /api/notifications/order`; needs NOTIFICATION_SERVICE_CONFIG (global, from AppModule). */
@Module({
  controllers: [NotificationsController],
  providers: [
    OrderNotificationService,
    {
      provide: MailTransport,
      inject: [NOTIFICATION_SERVICE_CONFIG],
      useFactory: (config: NotificationServiceConfig): MailTransport =>
        config.smtpUrl ? new SmtpMailTransport(config.smtpUrl) : new LogMailTransport(),
    },
  ],
})
export class NotificationsModule {}
