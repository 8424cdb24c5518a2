import { BadRequestException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { isDeliverableEmailAddress } from '@app/common';
import { priceInCents } from '../catalog/catalog.js';
import type { Order } from '../orders/order.js';
import { OrderRepository } from '../orders/order.repository.js';
import { NotificationDeliveryService } from '../notifications/notification-delivery.service.js';
import type { CheckoutDto } from './dto/checkout.dto.js';

export interface Customer {
  subject: string;
  email?: string;
}

@Injectable()
export class CheckoutService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly delivery: NotificationDeliveryService,
  ) {}

  /** Creates the order, then notifies; the notification's fate never fails the checkout. */
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
    const order: Order = {
      orderId: randomUUID(),
      status: 'confirmed',
      ownerSubject: customer.subject,
      email: customer.email,
      items,
      totalCents: items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0),
      createdAt: new Date().toISOString(),
      notification: 'pending',
      notificationAttempts: 0,
    };
    this.orders.save(order);
    await this.delivery.deliverDuringCheckout(order);
    return order;
  }
}
