/**
 * `npm run demo`: the whole story on the embedded default, no Docker, no Keycloak.
 * Starts the local Keycloak-compatible server, a mail catcher and both built apps on free
 * ports, then narrates a checkout and the requests notification-service refuses.
 * `npm run demo -- --keep` leaves everything running until Ctrl-C.
 */
import { tokenFingerprint } from '@app/auth/caller';
import { Stack } from '../test/support/stack.js';

const keep = process.argv.includes('--keep');
const say = (line = '') => process.stdout.write(`${line}\n`);
const step = (n: number, title: string) => say(`\n${n}. ${title}`);

const fingerprint = (token: string) => `fingerprint ${tokenFingerprint(token)}`;

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

async function post(url: string, token: string | undefined, body: unknown, headers = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
  };
}

async function main(): Promise<void> {
  say('TechStore: service-to-service authentication with Keycloak client credentials');
  step(1, 'Starting the local Keycloak-compatible server, a mail catcher and both apps');
  const stack = await Stack.start();
  const kc = stack.localKeycloak!;
  say(`   Keycloak (local)      ${stack.keycloakUrl}  issuer ${stack.issuer}`);
  say(`   mail catcher (SMTP)   ${stack.smtp.url}`);
  say(`   shop-api              ${stack.shopApi.url}`);
  say(`   notification-service  ${stack.notificationService.url}`);
  say(
    `   state (DATA_DIR)      ${stack.dataDir ?? 'PostgreSQL'} (embedded store, one folder per app)`,
  );
  try {
    step(2, 'alice logs in through techstore-e2e (password grant, test-only client)');
    const customer = await stack.customerToken();
    const c = claims(customer);
    say(
      `   customer token ${fingerprint(customer)}: azp=${String(c.azp)} aud=${JSON.stringify(c.aud)} ` +
        `email=${String(c.email)} realm roles=${JSON.stringify((c.realm_access as { roles?: string[] })?.roles)}`,
    );

    step(3, 'alice checks out; shop-api notifies notification-service with its OWN token');
    const first = await post(`${stack.shopApi.url}/api/checkout`, customer, {
      items: [
        { sku: 'KB-001', quantity: 1 },
        { sku: 'CB-005', quantity: 2 },
      ],
    });
    say(`   POST /api/checkout → ${first.status} ${JSON.stringify(first.body)}`);
    const fetched = /service token obtained[^\n]*?: ([0-9a-f]{12}), lifetime (\d+)s/.exec(
      stack.shopApi.output(),
    );
    say(
      `   shop-api fetched its service-account token: fingerprint ${fetched?.[1] ?? '?'}, ` +
        `lifetime ${fetched?.[2] ?? '?'}s ` +
        `(client_credentials as shop-api; Keycloak saw ${kc.stats.tokenRequestsByClient['shop-api'] ?? 0} request(s) from shop-api)`,
    );

    step(4, 'The email that arrived');
    const email = await stack.smtp.waitFor((e) => e.subject.includes(String(first.body.orderId)));
    say(`   From: ${email.from}\n   To: ${email.to}\n   Subject: ${email.subject}`);
    for (const line of email.text.trim().split('\n').slice(0, 8)) say(`   | ${line}`);

    step(5, 'A second checkout reuses the cached token');
    const second = await post(`${stack.shopApi.url}/api/checkout`, customer, {
      items: [{ sku: 'MS-002', quantity: 1 }],
    });
    await stack.smtp.waitFor((e) => e.subject.includes(String(second.body.orderId)));
    say(`   POST /api/checkout → ${second.status} ${JSON.stringify(second.body)}`);
    say(
      `   token requests from shop-api so far: ${kc.stats.tokenRequestsByClient['shop-api'] ?? 0}`,
    );

    step(6, 'notification-service refuses everyone else');
    const target = `${stack.notificationService.url}/api/notifications/order`;
    const order = {
      orderId: 'demo-1',
      email: 'alice@example.com',
      items: [{ sku: 'KB-001', quantity: 1, unitPrice: 89.99 }],
      total: 89.99,
    };
    const reporting = await stack.serviceToken(
      'reporting-job',
      stack.secrets.REPORTING_JOB_CLIENT_SECRET,
    );
    for (const [who, why, token] of [
      [
        "alice's customer token",
        'a user token issued for shop-api (aud), not for notification-service',
        customer,
      ],
      [
        "reporting-job's service token",
        'aud is notification-service, but no notifications:send role and not an allowed caller',
        reporting,
      ],
      ['no token at all', 'nothing to authenticate', undefined],
    ] as const) {
      const refused = await post(target, token, order);
      say(
        `   ${who} (${why}):\n     → ${refused.status}  WWW-Authenticate: ${refused.challenge}\n     → ${JSON.stringify(refused.body)}`,
      );
    }

    step(7, 'shop-api restarts: the order and its notification state are still there');
    await stack.shopApi.stop();
    await stack.shopApi.start();
    const read = await fetch(`${stack.shopApi.url}/api/orders/${String(first.body.orderId)}`, {
      headers: { authorization: `Bearer ${customer}` },
    });
    say(`   GET /api/orders/${String(first.body.orderId)} → ${read.status} ${await read.text()}`);

    if (keep) {
      say('\n--keep: everything keeps running; Ctrl-C stops it.');
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
  } finally {
    step(8, 'Stopping everything');
    await stack.stop();
  }
  say('\nDone.');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `demo failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
