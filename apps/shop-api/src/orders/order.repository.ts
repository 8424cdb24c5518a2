import { Injectable } from '@nestjs/common';
import type { Order } from './order.js';

/**
 * Orders live in this process's memory (the reference app has no database; README says so).
 * A restart forgets orders and any notification still pending.
 */
@Injectable()
export class OrderRepository {
  private readonly orders = new Map<string, Order>();

  save(order: Order): void {
    this.orders.set(order.orderId, order);
  }

  find(orderId: string): Order | undefined {
    return this.orders.get(orderId);
  }
}
