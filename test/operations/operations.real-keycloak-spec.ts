// What Keycloak admins do as a matter of routine, done through real Keycloak's admin API while
// both built apps run against it: a signing key rotated and deleted, shop-api's client secret
// regenerated, its client disabled and enabled, Keycloak restarted. In a realm of its own
// (keycloak/techstore-realm.json imported as `techstore-ops`), so the other suites' realm stays
// as imported; with the server to itself (useExclusively) for the restarts. Figures are printed
// in one block at the end (docs/operations.md quotes them).
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceTokenService } from '@app/auth/caller';
import { restartDistKeycloak } from '@app/keycloak-dist';
import { useExclusively } from '../real-keycloak/exclusive-use.js';
import { KeycloakAdmin } from '../real-keycloak/keycloak-admin.js';
import {
  realKeycloakSkipReason,
  realKeycloakTarget,
} from '../real-keycloak/real-keycloak-target.js';
import { waitFor } from '../support/processes.js';
import {
  checkout,
  metricValue,
  notificationState,
  notifyStatus,
  type CheckoutResult,
} from '../support/shop-client.js';
import { devSecrets, Stack } from '../support/stack.js';
import { probeUntil } from './probe.js';
import { decodeJwt, kidOf, RealmOperations } from './realm-operations.js';

jest.setTimeout(120_000);

const target = realKeycloakTarget();
const REALM = 'techstore-ops';
/** The apps' KEYCLOAK_JWKS_MAX_AGE_SECONDS here (default 30), so removals show in seconds. */
const MAX_AGE_SECONDS = 3;
/** The realm's access-token lifespan, set through the admin API: renewals within the test. */
const LIFESPAN_SECONDS = 15;
const DEFAULT_MAX_AGE_SECONDS = 30;
/** shop-api's own token lifespan (a client attribute) where renewals must come fast. */
const SHORT_SECONDS = 4;

const suite = target ? describe : describe.skip;
const title = target
  ? `operations on real Keycloak ${target.version}`
  : `operations on real Keycloak (skipped: ${realKeycloakSkipReason()})`;

// Restarts need the Keycloak this run started (not KEYCLOAK_URL's), on Linux.
const restartable = process.platform === 'linux' ? target?.restartable : undefined;
const restartIt = restartable ? it : it.skip;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

suite(title, () => {
  const secrets = devSecrets();
  const figures: string[] = [];
  let release: () => void;
  let realm: RealmOperations;
  let admin: KeycloakAdmin;
  let stack: Stack;
  let secretFile: string;
  let shopApiSecret = secrets.SHOP_API_CLIENT_SECRET;
  let startedAt: number;
  let originalKid: string;
  let rotatedKeyId: string;

  const notify = (token: string) => notifyStatus(stack.notificationService.url, token);
  const checkoutStatus = async (token: string) => (await checkout(stack.shopApi.url, token)).status;
  const jwksFetches = async () => ({
    notificationService: await metricValue(
      stack.notificationService.url,
      'auth_jwks_fetches_total',
    ),
    shopApi: await metricValue(stack.shopApi.url, 'auth_jwks_fetches_total'),
  });

  /** Gives shop-api 4 s tokens and waits until it holds one (a renewal seen by Keycloak). */
  const shortenShopApiTokens = async () => {
    await realm.updateClient('shop-api', {}, { 'access.token.lifespan': String(SHORT_SECONDS) });
    const since = Date.now();
    const customer = await stack.customerToken();
    await waitFor(`shop-api to hold a ${SHORT_SECONDS} s token`, 30_000, async () => {
      await checkout(stack.shopApi.url, customer);
      const renewals = await admin.events(REALM, {
        types: ['CLIENT_LOGIN'],
        client: 'shop-api',
        since,
      });
      return renewals.length > 0;
    });
  };

  beforeAll(async () => {
    release = await useExclusively(target!.url);
    admin = new KeycloakAdmin(target!.url, target!.admin);
    realm = new RealmOperations(admin, REALM);
    await realm.delete().catch(() => undefined); // left by a run that died
    await realm.createFromTechstore(secrets);
    await realm.update({ accessTokenLifespan: LIFESPAN_SECONDS });
    originalKid = await realm.activeRs256Kid();
    secretFile = join(mkdtempSync(join(tmpdir(), 'ops-secret-')), 'shop-api-client-secret');
    writeFileSync(secretFile, shopApiSecret);
    stack = await Stack.start({
      real: target,
      realm: REALM,
      secretFile,
      env: {
        KEYCLOAK_JWKS_MAX_AGE_SECONDS: String(MAX_AGE_SECONDS),
        CHECKOUT_RATE_LIMIT_PER_CUSTOMER: '0',
        CHECKOUT_RATE_LIMIT_TOTAL: '0',
      },
    });
    startedAt = Date.now();
  });

  afterAll(async () => {
    await stack?.stop();
    await realm?.delete().catch(() => undefined);
    release?.();
    if (figures.length > 0) {
      process.stdout.write(
        `\nOperations on real Keycloak ${target!.version} (KEYCLOAK_JWKS_MAX_AGE_SECONDS=${MAX_AGE_SECONDS}, access tokens ${LIFESPAN_SECONDS} s):\n${figures.map((line) => `  ${line}`).join('\n')}\n`,
      );
    }
  });

  it('a new RS256 key with a higher priority signs at once, and both apps accept its tokens on first sight', async () => {
    const customer = await stack.customerToken();
    expect(await checkoutStatus(customer)).toBe(201);

    rotatedKeyId = await realm.addRsaKey('ops-rotated', 200);
    const rotatedAt = Date.now();
    const [service, newCustomer] = await Promise.all([
      stack.serviceToken('shop-api', shopApiSecret),
      stack.customerToken(),
    ]);
    const rotatedKid = kidOf(service);
    expect(rotatedKid).not.toBe(originalKid);
    expect(kidOf(newCustomer)).toBe(rotatedKid);
    expect(await realm.activeRs256Kid()).toBe(rotatedKid);
    const tokensAfterMs = Date.now() - rotatedAt;
    const accepted = (status: number) => status === 201;
    const [atNotification, atShop] = await Promise.all([
      probeUntil(
        'notification-service accepting a token of the new key',
        Date.now(),
        () => notify(service),
        accepted,
        45_000,
      ),
      probeUntil(
        'shop-api accepting a customer token of the new key',
        Date.now(),
        () => checkoutStatus(newCustomer),
        accepted,
        45_000,
      ),
    ]);
    figures.push(
      `key rotation (new RS256 key, priority 200 > 100; Keycloak issued tokens of it ${tokensAfterMs} ms after): refusal window at notification-service (shop-api's token) ${atNotification.afterMs} ms, ${atNotification.before} refusal(s); at shop-api (a customer token) ${atShop.afterMs} ms, ${atShop.before} refusal(s)`,
    );
    expect([atNotification.before, atShop.before]).toEqual([0, 0]);
    expect(Math.max(atNotification.afterMs, atShop.afterMs)).toBeLessThan(1000);
  });

  it('the deleted signing key: a still-valid token it signed is refused within twice the key-set max age', async () => {
    // Tokens that outlive the test (600 s), so a refusal is the key's doing, not expiry's:
    // a customer's, and reporting-job's, which notification-service answers 403 (valid token,
    // no notifications:send) until it refuses the token itself (401).
    for (const client of ['techstore-e2e', 'reporting-job']) {
      await realm.updateClient(client, {}, { 'access.token.lifespan': '600' });
    }
    const service = await stack.serviceToken('reporting-job', secrets.REPORTING_JOB_CLIENT_SECRET);
    const customer = await stack.customerToken();
    expect(kidOf(service)).not.toBe(originalKid);
    expect(kidOf(customer)).not.toBe(originalKid);
    expect(await notify(service)).toBe(403);
    expect(await checkoutStatus(customer)).toBe(201);

    await realm.deleteComponent(rotatedKeyId);
    const deletedAt = Date.now();
    expect(await realm.activeRs256Kid()).toBe(originalKid);
    const refused = (status: number) => status === 401;
    const bound = 2 * MAX_AGE_SECONDS * 1000;
    const [atNotification, atShop] = await Promise.all([
      probeUntil(
        'notification-service refusing',
        deletedAt,
        () => notify(service),
        refused,
        bound + 60_000,
        250,
      ),
      probeUntil(
        'shop-api refusing',
        deletedAt,
        () => checkoutStatus(customer),
        refused,
        bound + 60_000,
        250,
      ),
    ]);
    figures.push(
      `signing key deleted: a valid token it signed (600 s lifespan) refused by notification-service ${(atNotification.afterMs / 1000).toFixed(1)} s after the deletion, by shop-api ${(atShop.afterMs / 1000).toFixed(1)} s after (max age ${MAX_AGE_SECONDS} s: bound ${2 * MAX_AGE_SECONDS} s; at the default ${DEFAULT_MAX_AGE_SECONDS} s the bound is ${2 * DEFAULT_MAX_AGE_SECONDS} s, ${DEFAULT_MAX_AGE_SECONDS} s plus one fetch while requests keep coming)`,
    );
    expect(Math.max(atNotification.afterMs, atShop.afterMs)).toBeLessThanOrEqual(bound + 1000);

    // shop-api's cached token was signed by the deleted key: refused once, renewed, delivered.
    const after = await checkout(stack.shopApi.url, await stack.customerToken());
    expect(after.status).toBe(201);
    await waitFor('the checkout after the deletion to be delivered', 40_000, async () => {
      return (
        (await notificationState(
          stack.shopApi.url,
          await stack.customerToken(),
          after.body.orderId!,
        )) === 'sent'
      );
    });
  });

  it('an idle replica makes no key-set request, and its first request after the max age waits for one', async () => {
    const idleFrom = await jwksFetches();
    await sleep(2 * MAX_AGE_SECONDS * 1000 + 500);
    const idleTo = await jwksFetches();
    expect(idleTo).toEqual(idleFrom);
    expect(await checkoutStatus(await stack.customerToken())).toBe(201);
    const afterIdle = await jwksFetches();
    expect(afterIdle.shopApi).toBe(idleTo.shopApi + 1);
    expect(afterIdle.notificationService).toBe(idleTo.notificationService + 1);
    figures.push(
      `idle for ${2 * MAX_AGE_SECONDS + 0.5} s: 0 key-set requests per replica; the first request after it waited for 1`,
    );
  });

  it('the lower-case token type option: Keycloak writes typ "bearer" in the token too, and notification-service accepts it', async () => {
    await realm.updateClient('shop-api', {}, { 'token.response.type.bearer.lower-case': 'true' });
    try {
      const response = await fetch(`${stack.realmUrl}/protocol/openid-connect/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'shop-api',
          client_secret: shopApiSecret,
        }),
      });
      const body = (await response.json()) as { token_type: string; access_token: string };
      expect(body.token_type).toBe('bearer');
      expect(decodeJwt(body.access_token).payload.typ).toBe('bearer');
      expect(await notify(body.access_token)).toBe(201);
      figures.push(
        `token.response.type.bearer.lower-case=true: token_type "bearer" and payload typ "bearer"; accepted (the receiver compares typ case-insensitively)`,
      );
    } finally {
      await realm.updateClient(
        'shop-api',
        {},
        { 'token.response.type.bearer.lower-case': 'false' },
      );
    }
  });

  it('the client secret regenerated and written to KEYCLOAK_CLIENT_SECRET_FILE: no failed checkout, shop-api recovers by itself', async () => {
    await shortenShopApiTokens();
    const customer = await stack.customerToken();
    const regeneratedAt = Date.now();
    shopApiSecret = await realm.regenerateSecret('shop-api');
    writeFileSync(secretFile, shopApiSecret);
    const results: Array<Awaited<ReturnType<typeof checkout>>> = [];
    while (Date.now() - regeneratedAt < (SHORT_SECONDS + 2) * 1000) {
      results.push(await checkout(stack.shopApi.url, customer));
      await sleep(500);
    }
    expect(results.every((result) => result.status === 201)).toBe(true);
    const pending = results.filter((result) => result.body.notification !== 'sent').length;
    const rejectedOldSecret = await admin.events(REALM, {
      types: ['CLIENT_LOGIN_ERROR'],
      client: 'shop-api',
      since: regeneratedAt,
    });
    const renewed = await admin.events(REALM, {
      types: ['CLIENT_LOGIN'],
      client: 'shop-api',
      since: regeneratedAt,
    });
    figures.push(
      `client secret regenerated + file rewritten: ${results.length} checkouts over ${SHORT_SECONDS + 2} s (shop-api on ${SHORT_SECONDS} s tokens), all 201, ${pending} not delivered at once; Keycloak saw ${rejectedOldSecret.length} request(s) with the old secret and ${renewed.length} renewal(s) with the new one`,
    );
    expect(renewed.length).toBeGreaterThanOrEqual(1);
    expect(pending).toBe(0);
  });

  // The `secret-rotation` executor needs the preview feature client-secret-rotation, which the
  // run's Keycloak enables (test/real-keycloak/global-setup.ts); another one may not.
  (target?.startedByThisRun ? it : it.skip)(
    'client secret rotation with a grace period: the old secret keeps working until the file has the new one; no token request refused',
    async () => {
      expect(await realm.featureEnabled('CLIENT_SECRET_ROTATION')).toBe(true);
      await realm.enableSecretRotation({
        expiration: 86_400,
        rotatedExpiration: 120,
        remainingRotation: 60,
      });
      try {
        const customer = await stack.customerToken();
        const oldSecret = shopApiSecret;
        const rotatedAt = Date.now();
        shopApiSecret = await realm.regenerateSecret('shop-api');
        // Keycloak accepts both now; the operator updates the mounted file a while later.
        expect(await stack.serviceToken('shop-api', oldSecret)).toEqual(expect.any(String));
        expect(await stack.serviceToken('shop-api', shopApiSecret)).toEqual(expect.any(String));
        const results: Array<Awaited<ReturnType<typeof checkout>>> = [];
        const checkoutsFor = async (ms: number) => {
          const until = Date.now() + ms;
          while (Date.now() < until) {
            results.push(await checkout(stack.shopApi.url, customer));
            await sleep(500);
          }
        };
        const phaseMs = (SHORT_SECONDS + 2) * 1000;
        await checkoutsFor(phaseMs);
        writeFileSync(secretFile, shopApiSecret);
        await checkoutsFor(phaseMs);
        // Grace over: only the new secret works, and shop-api already uses it.
        await realm.invalidateRotatedSecret('shop-api');
        const invalidatedAt = Date.now();
        await expect(stack.serviceToken('shop-api', oldSecret)).rejects.toThrow(/401/);
        await checkoutsFor(phaseMs);
        const refused = await admin.events(REALM, {
          types: ['CLIENT_LOGIN_ERROR'],
          client: 'shop-api',
          since: rotatedAt,
        });
        const renewals = await admin.events(REALM, {
          types: ['CLIENT_LOGIN'],
          client: 'shop-api',
          since: invalidatedAt,
        });
        const pending = results.filter((result) => result.body.notification !== 'sent').length;
        figures.push(
          `client secret rotation with a grace period (secret-rotation executor, preview feature client-secret-rotation): ${results.length} checkouts over ${((Date.now() - rotatedAt) / 1000).toFixed(0)} s, all 201, ${pending} not delivered at once; token requests refused by Keycloak: ${refused.length} (shop-api on ${SHORT_SECONDS} s tokens; the old secret kept working ${SHORT_SECONDS + 2} s until the file was rewritten, then shop-api moved to the new one by itself: ${renewals.length} renewal(s) after the old was invalidated, none refused)`,
        );
        expect(results.every((result) => result.status === 201)).toBe(true);
        expect(pending).toBe(0);
        expect(refused).toHaveLength(1); // the test's own request with the invalidated secret
        expect(renewals.length).toBeGreaterThanOrEqual(1);
      } finally {
        await realm.disableSecretRotation();
      }
    },
  );

  it('private_key_jwt key roll-over: the new public key is registered beside the old before the caller switches; no token request refused', async () => {
    const clientId = 'ops-jwt-caller';
    const key = (kid: string) => {
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      return {
        kid,
        privateKey,
        jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
      };
    };
    const [keyA, keyB] = [key('ops-key-a'), key('ops-key-b')];
    const published = (...keys: Array<{ jwk: object }>) => ({
      'jwks.string': JSON.stringify({ keys: keys.map((k) => k.jwk) }),
    });
    await realm.createClient({
      clientId,
      enabled: true,
      publicClient: false,
      clientAuthenticatorType: 'client-jwt',
      serviceAccountsEnabled: true,
      standardFlowEnabled: false,
      attributes: { 'use.jwks.string': 'true', ...published(keyA) },
    });
    // A caller as a deployment runs it: one private key and its kid (a fresh request each time).
    const tokenWith = (signer: { kid: string; privateKey: KeyObject }) =>
      new ServiceTokenService({
        realmUrl: stack.realmUrl,
        clientId,
        privateKey: signer.privateKey,
        privateKeyId: signer.kid,
        assertionAudience: stack.issuer,
      }).getToken();
    await tokenWith(keyA);
    const since = Date.now();
    // 1. Register the new key beside the old one; 2. switch the caller; 3. remove the old key.
    await realm.updateClient(clientId, {}, published(keyA, keyB));
    await tokenWith(keyA);
    await tokenWith(keyB);
    await realm.updateClient(clientId, {}, published(keyB));
    const removedAt = Date.now();
    await tokenWith(keyB);
    const refusal = await probeUntil(
      'Keycloak refusing the removed key',
      removedAt,
      () =>
        tokenWith(keyA).then(
          () => 200,
          () => 401,
        ),
      (status) => status === 401,
      60_000,
      250,
    );
    const refused = await admin.events(REALM, {
      types: ['CLIENT_LOGIN_ERROR'],
      client: clientId,
      since,
    });
    figures.push(
      `private_key_jwt roll-over (new key in the client's jwks.string beside the old, caller switched, old removed): 0 token requests refused while switching; the removed key refused ${(refusal.afterMs / 1000).toFixed(1)} s after its removal (${refusal.before} request(s) still accepted)`,
    );
    expect(refused).toHaveLength(1); // the probe's own request with the removed key
  });

  it('the client disabled, then enabled: checkouts answer 201 pending meanwhile, and are delivered after', async () => {
    const customer = await stack.customerToken();
    await realm.updateClient('shop-api', { enabled: false });
    const disabledAt = Date.now();
    const orders: string[] = [];
    let pendingAt: number | undefined;
    while (pendingAt === undefined && Date.now() - disabledAt < (LIFESPAN_SECONDS + 10) * 1000) {
      const result = await checkout(stack.shopApi.url, customer);
      expect(result.status).toBe(201);
      orders.push(result.body.orderId!);
      if (result.body.notification === 'pending') pendingAt = Date.now();
      else await sleep(500);
    }
    expect(pendingAt).toBeDefined();
    await realm.updateClient('shop-api', { enabled: true });
    const enabledAt = Date.now();
    await waitFor('every order to be delivered after the enable', 90_000, async () => {
      const token = await stack.customerToken();
      const states = await Promise.all(
        orders.map((id) => notificationState(stack.shopApi.url, token, id)),
      );
      return states.every((state) => state === 'sent');
    });
    figures.push(
      `client disabled: checkouts 201 throughout, the first pending one ${((pendingAt! - disabledAt) / 1000).toFixed(1)} s after (when shop-api's token expired); enabled: all ${orders.length} orders delivered ${((Date.now() - enabledAt) / 1000).toFixed(1)} s after`,
    );
  });

  it('key-set requests per replica per hour, from the apps’ own counters over the run', async () => {
    const fetches = await jwksFetches();
    const hours = (Date.now() - startedAt) / 3_600_000;
    const perHour = (count: number) => Math.round(count / hours);
    figures.push(
      `key-set requests over ${((Date.now() - startedAt) / 1000).toFixed(0)} s: notification-service ${fetches.notificationService}, shop-api ${fetches.shopApi} (busy at max age ${MAX_AGE_SECONDS} s: ${perHour(fetches.notificationService)} and ${perHour(fetches.shopApi)} per hour); at the default ${DEFAULT_MAX_AGE_SECONDS} s a busy replica makes at most ${3600 / DEFAULT_MAX_AGE_SECONDS} refreshes per hour plus unknown-kid fetches, an idle one none`,
    );
    // A busy replica refreshes at most once per max age, plus the rotation's unknown kid.
    const bound = Math.ceil((Date.now() - startedAt) / (MAX_AGE_SECONDS * 1000)) + 3;
    expect(fetches.notificationService).toBeLessThanOrEqual(bound);
    expect(fetches.shopApi).toBeLessThanOrEqual(bound);
  });

  describe('Keycloak restarted, its data kept, while checkouts run', () => {
    beforeAll(async () => {
      // shop-api's tokens (4 s, since the secret tests) expire within the outage; customers
      // keep theirs (600 s, since the deleted-key test).
      if (restartable) await shortenShopApiTokens();
    });

    restartIt.each(['SIGTERM', 'SIGKILL'] as const)(
      '%s: no checkout fails, none is lost, and the pair recovers by itself',
      async (signal) => {
        const customer = await stack.customerToken();
        const results: Array<CheckoutResult & { at: number }> = [];
        let readyAt = Number.POSITIVE_INFINITY;
        const deliveredAtOnceAfterReady = () =>
          results.some((result) => result.at > readyAt && result.body.notification === 'sent');
        const loop = (async () => {
          while (!deliveredAtOnceAfterReady() && Date.now() - readyAt < 90_000) {
            const result = await checkout(stack.shopApi.url, customer).catch(() => ({
              status: 0,
              body: {},
            }));
            results.push({ ...result, at: Date.now() });
            await sleep(250);
          }
        })();
        await sleep(1000);
        const restart = await restartDistKeycloak(restartable!, signal);
        readyAt = Date.now();
        await loop;
        const firstSentAfterReady = results.find(
          (result) => result.at > readyAt && result.body.notification === 'sent',
        );
        const statuses = [...new Set(results.map((result) => result.status))];
        expect(statuses).toEqual([201]);
        expect(firstSentAfterReady).toBeDefined();
        const orders = results.map((result) => result.body.orderId!);
        await waitFor('every order to be delivered', 90_000, async () => {
          const states = await Promise.all(
            orders.map((id) => notificationState(stack.shopApi.url, customer, id)),
          );
          return states.every((state) => state === 'sent');
        });
        const allDeliveredAt = Date.now();
        const pending = results.filter((result) => result.body.notification === 'pending');
        figures.push(
          `Keycloak ${signal} (data kept): down ${(restart.downAfterMs / 1000).toFixed(1)} s after the signal, ready again after ${(restart.readyAfterMs / 1000).toFixed(1)} s; ${results.length} checkouts meanwhile, all 201, ${pending.length} pending; recovered by itself: first delivery at once ${((firstSentAfterReady!.at - readyAt) / 1000).toFixed(1)} s after Keycloak was ready, every order delivered ${((allDeliveredAt - readyAt) / 1000).toFixed(1)} s after`,
        );
        expect(pending.length).toBeGreaterThan(0);
      },
      300_000,
    );
  });
});
