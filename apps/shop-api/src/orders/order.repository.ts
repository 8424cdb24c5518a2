import { Injectable } from '@nestjs/common';
import { Database, type Queryable } from '@app/store';
import type { NotificationState, Order, OrderItem } from './order.js';

interface OrderRow {
  order_id: string;
  owner_subject: string;
  email: string;
  items: OrderItem[];
  total_cents: number;
  created_at: Date;
  notification: NotificationState;
}

/** Orders in the store (shop_api.orders): any replica reads what any replica wrote. */
@Injectable()
export class OrderRepository {
  constructor(private readonly database: Database) {}

  /**
   * Inserts a new order (notification `pending`) inside the checkout's transaction; the
   * database's clock dates it, as it dates everything the outbox schedules.
   */
  async insert(tx: Queryable, order: Omit<Order, 'createdAt' | 'notification'>): Promise<Order> {
    const [row] = await tx.query<OrderRow>(
      `insert into shop_api.orders (order_id, owner_subject, email, items, total_cents)
       values ($1, $2, $3, $4::jsonb, $5)
       returning order_id, owner_subject, email, items, total_cents, created_at, notification`,
      [
        order.orderId,
        order.ownerSubject,
        order.email,
        JSON.stringify(order.items),
        order.totalCents,
      ],
    );
    return toOrder(row);
  }

  async find(orderId: string): Promise<Order | undefined> {
    const [row] = await this.database.query<OrderRow>(
      `select order_id, owner_subject, email, items, total_cents, created_at, notification
         from shop_api.orders where order_id = $1`,
      [orderId],
    );
    return row && toOrder(row);
  }
}

function toOrder(row: OrderRow): Order {
  return {
    orderId: row.order_id,
    status: 'confirmed',
    ownerSubject: row.owner_subject,
    email: row.email,
    items: row.items,
    totalCents: row.total_cents,
    createdAt: new Date(row.created_at).toISOString(),
    notification: row.notification,
  };
}
