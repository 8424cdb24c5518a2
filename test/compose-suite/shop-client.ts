import { envExample } from '../compose/compose-file.js';

export interface Checkout {
  status: number;
  /** Seconds, on a 429. */
  retryAfter?: number;
  body: { orderId: string; status: string; notification: 'sent' | 'pending'; code?: string };
}

/** What a customer and an operator do from the host against the published ports. */
export class ShopClient {
  constructor(
    readonly keycloakUrl: string,
    readonly shopApiUrl: string,
  ) {}

  /** alice's access token through the test-only client, as the README's command gets it. */
  async customerToken(): Promise<string> {
    const response = await fetch(
      `${this.keycloakUrl}/realms/techstore/protocol/openid-connect/token`,
      {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: 'techstore-e2e',
          username: 'alice',
          password: envExample().DEMO_USER_PASSWORD,
        }),
      },
    );
    if (!response.ok) throw new Error(`Keycloak answered ${response.status} to alice's login`);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  async checkout(token: string): Promise<Checkout> {
    const response = await fetch(`${this.shopApiUrl}/api/checkout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ sku: 'KB-001', quantity: 1 }] }),
    });
    const retryAfter = response.headers.get('retry-after');
    return {
      status: response.status,
      retryAfter: retryAfter === null ? undefined : Number(retryAfter),
      body: (await response.json()) as Checkout['body'],
    };
  }

  /** A checkout as a polite client makes it: after a 429 it waits Retry-After and tries again. */
  async checkoutWithinRateLimit(token: string): Promise<Checkout> {
    for (let attempt = 1; ; attempt++) {
      const result = await this.checkout(token);
      if (result.status !== 429 || attempt === 3) return result;
      await new Promise((resolve) => setTimeout(resolve, (result.retryAfter ?? 1) * 1000));
    }
  }

  async notificationOf(token: string, orderId: string): Promise<string> {
    const response = await fetch(`${this.shopApiUrl}/api/orders/${orderId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new Error(`GET /api/orders/${orderId} answered ${response.status}`);
    return ((await response.json()) as { notification: string }).notification;
  }

  /** shop-api's own count of requests to the token endpoint (every trigger and outcome). */
  async tokenRequests(): Promise<number> {
    const metrics = await (await fetch(`${this.shopApiUrl}/metrics`)).text();
    return metrics
      .split('\n')
      .filter((line) => line.startsWith('oauth_client_token_requests_total{'))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  }

  async ready(url: string): Promise<boolean> {
    return (await fetch(`${url}/health/ready`).catch(() => undefined))?.ok === true;
  }
}
