/** The body of `POST /api/notifications/order`, as stored in the outbox and sent as is. */
export interface NotificationPayload {
  orderId: string;
  email: string;
  items: { sku: string; quantity: number; unitPrice: number }[];
  total: number;
}

/** An outbox row that this replica has claimed and is delivering. */
export interface OutboxEntry {
  orderId: string;
  idempotencyKey: string;
  payload: NotificationPayload;
  /** When the checkout wrote it: the give-up time counts from here. */
  createdAt: Date;
  /** Attempts so far, the current one included. */
  attempts: number;
  /** Proves the claim is still this replica's when the outcome is recorded. */
  claimToken: string;
  /** The checkout's request id and W3C trace context, sent along with every attempt. */
  requestId?: string;
  traceparent?: string;
}
