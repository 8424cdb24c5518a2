import { BadRequestException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { activeTraceparent, isDeliverableEmailAddress, requestContext } from '@app/common';
import { Database } from '@app/store';
import { priceInCents } from '../catalog/catalog.js';
import { itemLines, type Order } from '../orders/order.js';
import { OrderRepository } from '../orders/order.repository.js';
import { OutboxRelay } from '../notifications/outbox-relay.service.js';
import { OutboxRepository } from '../notifications/outbox.repository.js';
import type { CheckoutDto } from './dto/checkout.dto.js';

export interface Customer {
  subject: string;
  email?: string;
}

@Injectable()
export class CheckoutService {
  constructor(
    private readonly database: Database,
    private readonly orders: OrderRepository,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
  ) {}

  /**
   * Writes the order and its notification in one transaction (the outbox), then makes one
   * bounded delivery attempt; whatever that attempt's fate, the order is confirmed, and the
   * relay of any replica delivers it later if needed. The notification keeps the request's id
   * and trace context, so every later attempt is logged and traced as part of this checkout.
   */
  async checkout(customer: Customer, dto: CheckoutDto): Promise<Order> {
    if (!customer.email) {
      throw new UnprocessableEntityException(
        'Your account has no email address, so no order confirmation could be sent.',
      );
    }
    // The rule notification-service applies: an address it would refuse never becomes an order.
    if (!isDeliverableEmailAddress(customer.email)) {
      throw new UnprocessableEntityException(
        "Your account's email address cannot receive the order confirmation; correct it in your account and check out again.",
      );
    }
    const email = customer.email;
    const unknown = dto.items.filter((item) => priceInCents(item.sku) === undefined);
    if (unknown.length > 0) {
      throw new BadRequestException(
        `Unknown sku: ${[...new Set(unknown.map((item) => item.sku))].join(', ')}`,
      );
    }
    const items = dto.items.map(({ sku, quantity }) => ({
      sku,
      quantity,
      unitPriceCents: priceInCents(sku) as number,
    }));
    const orderId = randomUUID();
    const totalCents = items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
    const { order, entry } = await this.database.transaction(async (tx) => {
      const created = await this.orders.insert(tx, {
        orderId,
        status: 'confirmed',
        ownerSubject: customer.subject,
        email,
        items,
        totalCents,
      });
      const claimed = await this.outbox.insertClaimed(
        tx,
        {
          orderId,
          idempotencyKey: orderId,
          payload: { orderId, email, items: itemLines(created), total: totalCents / 100 },
          claimToken: randomUUID(),
          requestId: requestContext.getStore()?.requestId,
          traceparent: activeTraceparent(),
        },
        this.relay.replicaId,
        this.relay.firstAttemptLeaseMs,
      );
      return { order: created, entry: claimed };
    });
    order.notification = await this.relay.deliverNow(entry);
    return order;
  }
}
