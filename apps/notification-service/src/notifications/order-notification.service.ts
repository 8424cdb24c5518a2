import { createHash, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { inChildSpan } from '@app/common';
import type { NotificationServiceConfig } from '../config/notification-service.config.js';
import { IdempotencyStore } from './idempotency-store.js';
import { MailTransport } from './mail-transport.js';
import { IDEMPOTENCY_MAX_KEYS, IDEMPOTENCY_TTL_MS } from './notifications.constants.js';
import { MailDeliveryFailedError } from './notifications.errors.js';
import type { NotificationResultDto } from './notification-result.dto.js';
import { composeOrderEmail } from './order-email.js';
import type { OrderNotificationDto } from './order-notification.dto.js';

/** Sends one order email per idempotency key. */
@Injectable()
export class OrderNotificationService {
  private readonly logger = new Logger(OrderNotificationService.name);
  private readonly sent = new IdempotencyStore<string>({
    maxKeys: IDEMPOTENCY_MAX_KEYS,
    ttlMs: IDEMPOTENCY_TTL_MS,
  });

  constructor(
    private readonly config: ConfigService<NotificationServiceConfig, true>,
    private readonly transport: MailTransport,
  ) {}

  async notify(
    order: OrderNotificationDto,
    idempotencyKey: string,
  ): Promise<NotificationResultDto> {
    const { value: notificationId, duplicate } = await this.sent.run(
      idempotencyKey,
      fingerprint(order),
      () => this.send(order),
    );
    return { notificationId, status: duplicate ? 'duplicate' : 'sent' };
  }

  private async send(order: OrderNotificationDto): Promise<string> {
    const notificationId = randomUUID();
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
    return notificationId;
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
  return createHash('sha256').update(canonical).digest('base64url');
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
