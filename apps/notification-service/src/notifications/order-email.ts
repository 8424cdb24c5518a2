import type { OutgoingEmail } from './mail-transport.js';
import type { OrderNotificationDto } from './order-notification.dto.js';

/** The order confirmation: subject names the order, text lists every item and the total. */
export function composeOrderEmail(
  order: OrderNotificationDto,
  from: string,
  notificationId: string,
): OutgoingEmail {
  const lines = order.items.map((item) => {
    const what = item.name === undefined ? item.sku : `${item.name} (${item.sku})`;
    const price = item.unitPrice === undefined ? '' : ` at ${item.unitPrice.toFixed(2)} each`;
    return `  ${item.quantity} x ${what}${price}`;
  });
  return {
    from,
    to: order.email,
    subject: `Your order ${order.orderId} is confirmed`,
    text: [
      'Hello,',
      '',
      `thank you for your order ${order.orderId}. It contains:`,
      '',
      ...lines,
      '',
      `Total: ${order.total.toFixed(2)}`,
      '',
      'TechStore',
    ].join('\n'),
    notificationId,
  };
}
