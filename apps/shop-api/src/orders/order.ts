export type NotificationState = 'pending' | 'sent' | 'failed';

export interface OrderItem {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

export interface Order {
  orderId: string;
  status: 'confirmed';
  /** Keycloak `sub` of the customer who placed the order: only they may read it. */
  ownerSubject: string;
  /** From the customer's token, never from the request body. */
  email: string;
  items: OrderItem[];
  totalCents: number;
  createdAt: string;
  notification: NotificationState;
}

/** The order's items with prices in currency units, as shown to the customer and in the email. */
export function itemLines(order: Pick<Order, 'items'>) {
  return order.items.map(({ sku, quantity, unitPriceCents }) => ({
    sku,
    quantity,
    unitPrice: unitPriceCents / 100,
  }));
}

/** What `GET /api/orders/:orderId` and `POST /api/checkout` show of an order. */
export function orderView(order: Order) {
  return {
    orderId: order.orderId,
    status: order.status,
    notification: order.notification,
    items: itemLines(order),
    total: order.totalCents / 100,
    createdAt: order.createdAt,
  };
}
