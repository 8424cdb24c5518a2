/** What the suites do as a customer and as monitoring, over real HTTP. */

export interface CheckoutResult {
  status: number;
  body: { orderId?: string; status?: string; notification?: string };
}

export async function checkout(
  shopApiUrl: string,
  token: string,
  items = [{ sku: 'KB-001', quantity: 1 }],
): Promise<CheckoutResult> {
  const response = await fetch(`${shopApiUrl}/api/checkout`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ items }),
  });
  return { status: response.status, body: (await response.json()) as CheckoutResult['body'] };
}

/** notification-service's status for one order notification sent with `token` (a new order id). */
export async function notifyStatus(notificationServiceUrl: string, token: string): Promise<number> {
  const orderId = `notify-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const response = await fetch(`${notificationServiceUrl}/api/notifications/order`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      orderId,
      email: 'alice@example.com',
      items: [{ sku: 'KB-001', quantity: 1, unitPrice: 89.99 }],
      total: 89.99,
    }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** The order's notification state as its owner sees it (`pending`, `sent`, `failed`). */
export async function notificationState(
  shopApiUrl: string,
  token: string,
  orderId: string,
): Promise<string | undefined> {
  const response = await fetch(`${shopApiUrl}/api/orders/${orderId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) return undefined;
  return ((await response.json()) as { notification: string }).notification;
}

/** The sum of a metric's samples whose labels include `labels`, from `GET /metrics`. */
export async function metricValue(
  appUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${appUrl}/metrics`)).text();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => wanted.every((label) => line.includes(label)))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}
