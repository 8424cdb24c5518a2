/**
 * The system suite: both built apps as real processes, a real SMTP server, and a Keycloak. It runs
 * twice in `npm test`: against the local Keycloak-compatible server (system.e2e-spec.ts) and
 * against real Keycloak (system.real-keycloak-spec.ts). A scenario that cannot run on real
 * Keycloak says why in its name.
 */
import { generateKeyPairSync } from 'node:crypto';
import { waitFor } from '../support/processes.js';
import type { Stack, StackOptions } from '../support/stack.js';
import { resign } from '../support/tokens.js';

export interface SystemTarget {
  /** Starts the stack against this target's Keycloak, with these options. */
  start(options: StackOptions): Promise<Stack>;
  /** True for real Keycloak: scenarios that need the local server are skipped, with the reason. */
  real: boolean;
}

export function systemScenarios(target: SystemTarget): void {
  /** A scenario that needs the local server; on real Keycloak it is skipped and says why. */
  const localOnly = (name: string, reason: string, test: () => Promise<void>, timeout?: number) =>
    target.real ? it.skip(`${name} (local server only: ${reason})`, test) : it(name, test, timeout);

  jest.setTimeout(60_000);

  let stack: Stack;

  beforeAll(async () => {
    stack = await target.start({
      // 50 concurrent checkouts by one customer below: this suite is not about rate limits.
      env: { CHECKOUT_RATE_LIMIT_PER_CUSTOMER: '0', CHECKOUT_RATE_LIMIT_TOTAL: '0' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function checkout(token: string, items = [{ sku: 'KB-001', quantity: 1 }]) {
    const response = await fetch(`${stack.shopApi.url}/api/checkout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ items }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  }

  async function notify(token: string | undefined, orderId: string, idempotencyKey?: string) {
    const response = await fetch(`${stack.notificationService.url}/api/notifications/order`, {
      method: 'POST',
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        orderId,
        email: 'alice@example.com',
        items: [{ sku: 'KB-001', quantity: 1, unitPrice: 89.99 }],
        total: 89.99,
      }),
    });
    return {
      status: response.status,
      wwwAuthenticate: response.headers.get('www-authenticate'),
      body: (await response.json()) as Record<string, string>,
    };
  }

  function emailsFor(orderId: string) {
    return stack.smtp.messages.filter((email) => email.subject.includes(orderId));
  }

  describe('checkout → notification', () => {
    it('a checkout sends one email with the order id to the customer', async () => {
      const result = await checkout(await stack.customerToken());
      expect(result.status).toBe(201);
      expect(result.body).toEqual({
        orderId: expect.any(String) as unknown,
        status: 'confirmed',
        notification: 'sent',
      });
      const email = await stack.smtp.waitFor((e) => e.subject.includes(result.body.orderId));
      expect(email.envelope.to).toEqual(['alice@example.com']);
      expect(email.text).toContain('KB-001');
    });

    it('50 concurrent checkouts: every email arrives, shop-api made one token request', async () => {
      const token = await stack.customerToken();
      const results = await Promise.all(Array.from({ length: 50 }, () => checkout(token)));
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
      for (const { body } of results) {
        await stack.smtp.waitFor((e) => e.subject.includes(body.orderId), 15_000);
      }
      for (const { body } of results) expect(emailsFor(body.orderId)).toHaveLength(1);
      // Counted twice: by Keycloak (the local server's statistics, or real Keycloak's event
      // store) and by shop-api itself (its token-request counter in /metrics).
      expect(await stack.tokenRequests('shop-api')).toBe(1);
      const metrics = await (await fetch(`${stack.shopApi.url}/metrics`)).text();
      const requested = metrics
        .split('\n')
        .filter((line) => line.startsWith('oauth_client_token_requests_total{'))
        .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
      expect(requested).toBe(1);
    });

    it('tokens name the frontend URL as issuer while both apps reach Keycloak by another host', async () => {
      expect(new URL(stack.keycloakUrl).hostname).toBe('127.0.0.1');
      expect(new URL(stack.issuer).hostname).toBe('localhost');
      const token = await stack.serviceToken('shop-api', stack.secrets.SHOP_API_CLIENT_SECRET);
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as {
        iss?: string;
      };
      expect(claims.iss).toBe(stack.issuer);
      const response = await fetch(`${stack.realmUrl}/.well-known/openid-configuration`);
      const discovery = (await response.json()) as Record<string, string>;
      expect(discovery.issuer).toBe(stack.issuer);
      expect(new URL(discovery.token_endpoint).hostname).toBe('127.0.0.1');
      expect(new URL(discovery.jwks_uri).hostname).toBe('127.0.0.1');
    });

    it('the same Idempotency-Key twice sends one email', async () => {
      const token = await stack.serviceToken('shop-api', stack.secrets.SHOP_API_CLIENT_SECRET);
      const orderId = `idem-${Date.now()}`;
      const first = await notify(token, orderId, `key-${orderId}`);
      const second = await notify(token, orderId, `key-${orderId}`);
      expect(first.status).toBe(201);
      expect(first.body.status).toBe('sent');
      expect(second.status).toBe(200);
      expect(second.body).toEqual({
        notificationId: first.body.notificationId,
        status: 'duplicate',
      });
      await stack.smtp.waitFor((e) => e.subject.includes(orderId));
      expect(emailsFor(orderId)).toHaveLength(1);
    });
  });

  describe('notification-service refuses everyone but shop-api with notifications:send', () => {
    it('no token: 401 with a bare Bearer challenge', async () => {
      const result = await notify(undefined, 'o-none');
      expect(result.status).toBe(401);
      expect(result.wwwAuthenticate).toMatch(/^Bearer realm="[^"]+"$/);
    });

    it("a customer's token (audience shop-api): 401 invalid_token", async () => {
      const result = await notify(await stack.customerToken(), 'o-customer');
      expect(result.status).toBe(401);
      expect(result.wwwAuthenticate).toContain('error="invalid_token"');
    });

    it("reporting-job's token (audience yes, role no): 403 insufficient_scope", async () => {
      const token = await stack.serviceToken(
        'reporting-job',
        stack.secrets.REPORTING_JOB_CLIENT_SECRET,
      );
      const result = await notify(token, 'o-reporting');
      expect(result.status).toBe(403);
      expect(result.wwwAuthenticate).toContain('error="insufficient_scope"');
    });
  });

  describe('tokens that must not pass', () => {
    let shopToken: string;
    beforeAll(async () => {
      shopToken = await stack.serviceToken('shop-api', stack.secrets.SHOP_API_CLIENT_SECRET);
    });

    it("shop-api's own valid token passes (the control case)", async () => {
      const result = await notify(shopToken, `control-${Date.now()}`);
      expect(result.status).toBe(201);
    });

    localOnly(
      'an expired token signed by the realm key: 401 invalid_token',
      'Keycloak never hands out its private signing key',
      async () => {
        const { privateKey } = stack.realmSigningKey();
        const now = Math.floor(Date.now() / 1000);
        const expired = resign(
          shopToken,
          (c) => Object.assign(c, { iat: now - 900, exp: now - 600 }),
          privateKey,
        );
        const result = await notify(expired, 'o-expired');
        expect(result.status).toBe(401);
        expect(result.wwwAuthenticate).toContain('error="invalid_token"');
      },
    );

    it('a token signed by a foreign key under the realm key id: 401 invalid_token', async () => {
      const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      const forged = resign(shopToken, () => {}, foreign);
      const result = await notify(forged, 'o-forged');
      expect(result.status).toBe(401);
      expect(result.wwwAuthenticate).toContain('error="invalid_token"');
    });
  });

  describe('outages delay notifications and lose none', () => {
    async function orderState(token: string, orderId: string) {
      const response = await fetch(`${stack.shopApi.url}/api/orders/${orderId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await response.json()) as { notification: string }).notification;
    }

    it('notification-service stopped during checkouts: every email arrives once after it restarts', async () => {
      const token = await stack.customerToken();
      await stack.notificationService.stop();
      const results = await Promise.all(Array.from({ length: 5 }, () => checkout(token)));
      expect(results.map((r) => [r.status, r.body.notification])).toEqual(
        Array(5).fill([201, 'pending']),
      );
      expect(await orderState(token, results[0].body.orderId)).toBe('pending');
      await stack.notificationService.start();
      for (const { body } of results) {
        await stack.smtp.waitFor((e) => e.subject.includes(body.orderId), 20_000);
      }
      await waitFor('orders to show "sent"', 10_000, async () =>
        (await Promise.all(results.map((r) => orderState(token, r.body.orderId)))).every(
          (state) => state === 'sent',
        ),
      );
      for (const { body } of results) expect(emailsFor(body.orderId)).toHaveLength(1);
    });

    it("a delivery the relay makes later is logged under the checkout's request id", async () => {
      const requestId = `checkout-${Date.now()}`;
      await stack.notificationService.stop();
      const response = await fetch(`${stack.shopApi.url}/api/checkout`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await stack.customerToken()}`,
          'content-type': 'application/json',
          'x-request-id': requestId,
        },
        body: JSON.stringify({ items: [{ sku: 'HS-004', quantity: 1 }] }),
      });
      const { orderId, notification } = (await response.json()) as Record<string, string>;
      expect(notification).toBe('pending');
      await stack.notificationService.start();
      await stack.smtp.waitFor((e) => e.subject.includes(orderId), 20_000);
      // notification-service logged the delivery under the checkout's request id.
      const delivered = () =>
        stack.notificationService
          .output()
          .split('\n')
          .find((line) => line.includes(`for order ${orderId} sent`));
      await waitFor('the delivery to be logged', 5_000, () => delivered() !== undefined);
      expect(JSON.parse(delivered()!)).toMatchObject({ requestId });
    });

    localOnly(
      'Keycloak stopped after warm-up: checkouts keep being notified while the token lives',
      'the real Keycloak is shared by the whole run; a restart costs about 20 s and new keys',
      async () => {
        const token = await stack.customerToken();
        await checkout(token); // warm: shop-api holds its token, both hold the key set
        await stack.stopKeycloak();
        try {
          const results = await Promise.all(Array.from({ length: 3 }, () => checkout(token)));
          expect(results.map((r) => [r.status, r.body.notification])).toEqual(
            Array(3).fill([201, 'sent']),
          );
          for (const { body } of results) expect(emailsFor(body.orderId)).toHaveLength(1);
        } finally {
          await stack.restartKeycloak();
        }
      },
    );
  });

  describe('secrets and tokens stay out of the logs', () => {
    it('neither app logged a secret or a token', () => {
      const logs = stack.shopApi.output() + stack.notificationService.output();
      expect(logs).toContain('service token obtained'); // the logs were captured at all
      for (const secret of Object.values(stack.secrets)) expect(logs).not.toContain(secret);
      expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
    });
  });

  describe('shop-api checkout input and access', () => {
    it.each([
      ['items must contain at least 1 item', { items: [] }],
      [
        'items must contain at most 50 items',
        { items: Array(51).fill({ sku: 'KB-001', quantity: 1 }) },
      ],
      ['quantity must be at least 1', { items: [{ sku: 'KB-001', quantity: 0 }] }],
      ['quantity must be at most 100', { items: [{ sku: 'KB-001', quantity: 101 }] }],
      ['quantity must be an integer', { items: [{ sku: 'KB-001', quantity: 1.5 }] }],
      ['Unknown sku: NOPE-1', { items: [{ sku: 'NOPE-1', quantity: 1 }] }],
      [
        'property email should not exist',
        { items: [{ sku: 'KB-001', quantity: 1 }], email: 'eve@example.com' },
      ],
    ])('an invalid body gets 400: %s', async (problem, body) => {
      const response = await fetch(`${stack.shopApi.url}/api/checkout`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await stack.customerToken()}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(400);
      expect(JSON.stringify(await response.json())).toContain(problem);
    });

    it('the owner reads the order with its notification state; unknown ids are 404', async () => {
      const token = await stack.customerToken();
      const { body } = await checkout(token);
      const read = async (id: string) =>
        fetch(`${stack.shopApi.url}/api/orders/${id}`, {
          headers: { authorization: `Bearer ${token}` },
        });
      const found = await read(body.orderId);
      expect(found.status).toBe(200);
      expect(await found.json()).toMatchObject({
        orderId: body.orderId,
        notification: 'sent',
        total: 89.99,
      });
      expect((await read('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    });

    it('only customer tokens may check out: none → 401, a service token → 401 (audience)', async () => {
      const post = (headers: Record<string, string>) =>
        fetch(`${stack.shopApi.url}/api/checkout`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ items: [{ sku: 'KB-001', quantity: 1 }] }),
        });
      expect((await post({})).status).toBe(401);
      const service = await stack.serviceToken('shop-api', stack.secrets.SHOP_API_CLIENT_SECRET);
      const refused = await post({ authorization: `Bearer ${service}` });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    });
  });
}
