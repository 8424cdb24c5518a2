import { hash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { METRICS_REGISTRY, inChildSpan } from '@app/common';
import { Counter, type Registry } from 'prom-client';
import type { NotificationServiceConfig } from '../config/notification-service.config.js';
import { IdempotencyStore } from './idempotency-store.js';
import { MailTransport } from './mail-transport.js';
import { MailDeliveryFailedError } from './notifications.errors.js';
import type { NotificationResultDto } from './notification-result.dto.js';
import { composeOrderEmail } from './order-email.js';
import type { OrderNotificationDto } from './order-notification.dto.js';

/** Sends one order email per calling client and idempotency key. */
@Injectable()
export class OrderNotificationService {
  private readonly logger = new Logger(OrderNotificationService.name);
  private readonly emails: Counter<'outcome'>;
  private readonly takeovers: Counter;

  constructor(
    private readonly config: ConfigService<NotificationServiceConfig, true>,
    private readonly transport: MailTransport,
    private readonly sent: IdempotencyStore,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.emails = new Counter({
      name: 'notification_requests_total',
      help: 'Order notification requests by outcome: sent, duplicate (not sent again), failed',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.takeovers = new Counter({
      name: 'notification_idempotency_takeovers_total',
      help: 'Keys taken over from a request that died while sending (each a possible second email)',
      registers: [registry],
    });
  }

  async notify(
    order: OrderNotificationDto,
    clientId: string,
    idempotencyKey: string,
  ): Promise<NotificationResultDto> {
    let result;
    try {
      result = await this.sent.run(
        { clientId, key: idempotencyKey, fingerprint: fingerprint(order) },
        (notificationId) => this.send(order, notificationId),
      );
    } catch (error) {
      this.emails.inc({ outcome: 'failed' });
      throw error;
    }
    this.emails.inc({ outcome: result.duplicate ? 'duplicate' : 'sent' });
    if (result.takeover) this.takeovers.inc();
    return {
      notificationId: result.notificationId,
      status: result.duplicate ? 'duplicate' : 'sent',
    };
  }

  private async send(order: OrderNotificationDto, notificationId: string): Promise<void> {
    const email = composeOrderEmail(
      order,
      this.config.get('mailFrom', { infer: true }),
      notificationId,
    );
    try {
      // The recipient stays out of the span: an address is personal data.
      await inChildSpan(
        'email.send',
        {
          'order.id': order.orderId,
          'notification.id': notificationId,
          'email.transport': this.transport.kind,
        },
        () => this.transport.send(email),
      );
    } catch (error) {
      this.logger.warn(
        `Email for order ${order.orderId} not sent (${describe(error)}); the caller may retry`,
      );
      throw new MailDeliveryFailedError(error);
    }
    this.logger.log(`Email ${notificationId} for order ${order.orderId} sent`);
  }
}

/** What makes two requests "the same": every field, in a fixed order. */
function fingerprint(order: OrderNotificationDto): string {
  const canonical = JSON.stringify([
    order.orderId,
    order.email,
    order.items.map((item) => [item.sku, item.quantity, item.name ?? null, item.unitPrice ?? null]),
    order.total,
  ]);
  return hash('sha256', canonical, 'base64url');
}

/** nodemailer's error code, SMTP reply code and message; none of them holds SMTP_URL. */
function describe(error: unknown): string {
  const { code, responseCode, message } = (error ?? {}) as {
    code?: string;
    responseCode?: number;
    message?: string;
  };
  return [code, responseCode, message ?? String(error)]
    .filter((part) => part !== undefined)
    .join(' ');
}
