// The operations suite's key rotation, on the local Keycloak-compatible server, which rotates
// keys as Keycloak does when an admin adds a higher-priority key (a new kid signs at once, the
// previous key stays published) or replaces a leaked one (the previous key leaves the JWKS).
// The same rules as on real Keycloak (operations.real-keycloak-spec.ts), in a few seconds.
import { checkout, notifyStatus } from '../support/shop-client.js';
import { Stack } from '../support/stack.js';
import { probeUntil } from './probe.js';
import { kidOf } from './realm-operations.js';

jest.setTimeout(60_000);

const MAX_AGE_SECONDS = 2;

describe('key rotation on the local Keycloak-compatible server', () => {
  let stack: Stack;
  const checkoutStatus = async (token: string) => (await checkout(stack.shopApi.url, token)).status;
  const notify = (token: string) => notifyStatus(stack.notificationService.url, token);

  beforeAll(async () => {
    stack = await Stack.start({
      env: {
        KEYCLOAK_JWKS_MAX_AGE_SECONDS: String(MAX_AGE_SECONDS),
        CHECKOUT_RATE_LIMIT_PER_CUSTOMER: '0',
        CHECKOUT_RATE_LIMIT_TOTAL: '0',
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('a new signing key: both apps accept its tokens at first presentation', async () => {
    const before = await stack.customerToken();
    expect(await checkoutStatus(before)).toBe(201);
    await stack.localKeycloak!.rotateKeys('techstore');
    const [service, customer] = await Promise.all([
      stack.serviceToken('shop-api', stack.secrets.SHOP_API_CLIENT_SECRET),
      stack.customerToken(),
    ]);
    expect(kidOf(service)).not.toBe(kidOf(before));
    const accepted = (status: number) => status === 201;
    const [atNotification, atShop] = await Promise.all([
      probeUntil('notification-service', Date.now(), () => notify(service), accepted, 40_000),
      probeUntil('shop-api', Date.now(), () => checkoutStatus(customer), accepted, 40_000),
    ]);
    expect([atNotification.before, atShop.before]).toEqual([0, 0]);
    expect(await checkoutStatus(before)).toBe(201); // the previous key is still published
  });

  it('a key that leaves the JWKS: tokens it signed are refused within twice the max age', async () => {
    const [service, customer] = await Promise.all([
      stack.serviceToken('shop-api', stack.secrets.SHOP_API_CLIENT_SECRET),
      stack.customerToken(),
    ]);
    expect(await notify(service)).toBe(201);
    expect(await checkoutStatus(customer)).toBe(201);
    await stack.localKeycloak!.rotateKeys('techstore', { dropOld: true });
    const droppedAt = Date.now();
    const refused = (status: number) => status === 401;
    const bound = 2 * MAX_AGE_SECONDS * 1000;
    const [atNotification, atShop] = await Promise.all([
      probeUntil('notification-service', droppedAt, () => notify(service), refused, bound + 5000),
      probeUntil('shop-api', droppedAt, () => checkoutStatus(customer), refused, bound + 5000),
    ]);
    expect(Math.max(atNotification.afterMs, atShop.afterMs)).toBeLessThanOrEqual(bound + 1000);
    expect(await checkoutStatus(await stack.customerToken())).toBe(201);
  });
});
