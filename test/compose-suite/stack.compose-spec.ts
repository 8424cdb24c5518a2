import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ShopApiEnvironment } from '../../apps/shop-api/src/config/shop-api.environment.js';
import {
  REPO_ROOT,
  envExample,
  environmentOf,
  loadCompose,
  portMappings,
  withDefaults,
} from '../compose/compose-file.js';
import { readmeComposeCommands } from '../compose/readme-commands.js';
import { ComposeProject } from './compose-project.js';
import { portsInUse } from './host-ports.js';
import { LIST_INSTALLED_PACKAGES, type InstalledPackage } from './installed-packages.js';
import { MailpitApi } from './mailpit-api.js';
import { ShopClient } from './shop-client.js';

// The compose suite (`npm run test:compose`): the stack of docker-compose.yml on a real Docker
// engine, driven from the host as a user would, through the ports the README names. The tests
// run in order against one stack: up, the README's commands, load, outages, logs, images, stop,
// down.

const project = new ComposeProject('keycloak-m2m-compose-suite');
const { compose } = loadCompose();
const readme = readmeComposeCommands();
const APPS = ['shop-api', 'notification-service'] as const;

const hostPort = (service: string, containerPort: number) => {
  const mapping = portMappings(compose.services[service]).find(
    (p) => p.container === containerPort,
  );
  if (!mapping) throw new Error(`${service} does not publish ${containerPort}`);
  return mapping.host;
};
const PUBLISHED = Object.values(compose.services).flatMap((s) =>
  portMappings(s).map((p) => p.host),
);
const url = (service: string, port: number) => `http://127.0.0.1:${hostPort(service, port)}`;
const shop = new ShopClient(url('keycloak', 8080), url('shop-api', 3000));
const mailpit = new MailpitApi(url('mailpit', 8025));

const tokensSeen: string[] = [];
const timings: string[] = [];
let stackDown = false;

async function timed<T>(what: string, action: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await action();
  timings.push(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/** A README block run by bash from the repository root, as a user pastes it. */
async function runReadmeBlock(block: string): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', block], {
    cwd: REPO_ROOT,
    timeout: 30_000,
  });
  return stdout;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

beforeAll(async () => {
  const busy = await portsInUse(PUBLISHED);
  if (busy.length > 0) {
    throw new Error(
      `host ports ${busy.join(', ')} are in use; the stack publishes the README's fixed ports ` +
        `(${PUBLISHED.join(', ')}): stop what listens there (another \`docker compose up\`?)`,
    );
  }
  expect(readme.up.slice(0, 3)).toEqual(['docker', 'compose', 'up']);
  await timed('docker compose build', () => project.compose(['build'], 20 * 60_000));
  await timed(`${readme.up.join(' ')} --wait (to healthy)`, () =>
    project.compose([...readme.up.slice(2), '--wait'], 10 * 60_000),
  );
}, 31 * 60_000);

afterAll(async () => {
  if (!stackDown) {
    await project.compose(['down', '--volumes', '--remove-orphans']).catch(() => undefined);
  }
  process.stderr.write(
    `\ncompose suite timings and sizes:\n${timings.map((t) => `  ${t}\n`).join('')}`,
  );
}, 120_000);

describe(`${readme.up.join(' ')} --wait (the README's command)`, () => {
  it('starts every service of docker-compose.yml, running, and healthy where it has a check', async () => {
    const services = (await project.compose(['ps', '--all', '--format', 'json']))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { Service: string; State: string; Health: string })
      .map(({ Service, State, Health }) => ({ Service, State, Health }))
      .sort((a, b) => a.Service.localeCompare(b.Service));
    // Built services get the Dockerfile's HEALTHCHECK; the others have compose's or none.
    const checked = (name: string) =>
      compose.services[name].healthcheck !== undefined ||
      compose.services[name].build !== undefined;
    expect(services).toEqual(
      Object.keys(compose.services)
        .sort()
        .map((Service) => ({
          Service,
          State: 'running',
          Health: checked(Service) ? 'healthy' : '',
        })),
    );
  });
});

describe("the README's commands, from the host", () => {
  let orderId = '';

  it("alice's checkout is confirmed and the notification sent", async () => {
    const output = (await runReadmeBlock(readme.checkout)).trim().split('\n').pop()!;
    const answer = JSON.parse(output) as { orderId: string; status: string; notification: string };
    expect(answer).toEqual({
      orderId: expect.any(String),
      status: 'confirmed',
      notification: 'sent',
    });
    orderId = answer.orderId;
  });

  it("the email to alice is in Mailpit, read back with the README's command", async () => {
    expect(orderId).not.toBe('');
    const line = await until('the email in the README command output', 15_000, async () =>
      (await runReadmeBlock(readme.emails)).split('\n').find((text) => text.includes(orderId)),
    );
    expect(line).toContain('alice@example.com');
    expect(await mailpit.about(orderId)).toHaveLength(1);
  });

  it("the checkout's trace, across both apps, is in Jaeger", async () => {
    expect(orderId).not.toBe('');
    const services = await until("the checkout's trace in Jaeger", 30_000, async () => {
      const query = new URLSearchParams({
        service: 'shop-api',
        tags: JSON.stringify({ 'order.id': orderId }),
        lookback: '1h',
        limit: '5',
      });
      const response = await fetch(`${url('jaeger', 16686)}/api/traces?${query.toString()}`);
      if (!response.ok) return undefined;
      const { data } = (await response.json()) as {
        data: { processes: Record<string, { serviceName: string }> }[];
      };
      const found = new Set(
        data.flatMap((trace) => Object.values(trace.processes).map((p) => p.serviceName)),
      );
      return found.has('notification-service') ? [...found].sort() : undefined;
    });
    expect(services).toEqual(['notification-service', 'shop-api']);
  });
});

describe('20 concurrent checkouts by one customer', () => {
  it('are confirmed up to her rate limit and refused with 429 beyond it; each email arrives once; shop-api asks for at most one more token', async () => {
    const token = await shop.customerToken();
    tokensSeen.push(token);
    const before = await shop.tokenRequests();
    expect(before).toBeGreaterThanOrEqual(1);
    const results = await Promise.all(Array.from({ length: 20 }, () => shop.checkout(token)));
    const confirmed = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 429);
    expect(confirmed.length + refused.length).toBe(20);
    // The per-customer limit compose gives shop-api (its default unless compose sets one).
    const configured = environmentOf(compose.services['shop-api']).CHECKOUT_RATE_LIMIT_PER_CUSTOMER;
    const limit = configured
      ? Number(withDefaults(configured))
      : new ShopApiEnvironment().CHECKOUT_RATE_LIMIT_PER_CUSTOMER;
    if (limit === 0 || limit >= 20) expect(confirmed.length).toBe(20);
    expect(confirmed.length).toBeGreaterThanOrEqual(1);
    expect(confirmed.length).toBeLessThanOrEqual(limit === 0 ? 20 : limit);
    for (const { body, retryAfter } of refused) {
      expect({ code: body.code, retryAfter: retryAfter! > 0 }).toEqual({
        code: 'RATE_LIMITED',
        retryAfter: true,
      });
    }
    expect((await shop.tokenRequests()) - before).toBeLessThanOrEqual(1);
    for (const { body } of confirmed) await mailpit.waitForOrder(body.orderId, 30_000);
    for (const { body } of confirmed) expect(await mailpit.about(body.orderId)).toHaveLength(1);
  });
});

describe('notification-service stopped, then started', () => {
  let token = '';
  let orderId = '';

  it('a checkout while it is down is confirmed with the notification pending', async () => {
    token = await shop.customerToken();
    tokensSeen.push(token);
    await project.compose(['stop', 'notification-service']);
    const result = await shop.checkoutWithinRateLimit(token);
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ status: 'confirmed', notification: 'pending' });
    orderId = result.body.orderId;
    expect(await shop.notificationOf(token, orderId)).toBe('pending');
    expect(await mailpit.about(orderId)).toEqual([]);
  });

  it('once it is started again, the pending notification is delivered, once', async () => {
    await project.compose(['start', 'notification-service']);
    await project.waitHealthy('notification-service', 90_000);
    expect(orderId).not.toBe('');
    await until('the order notification sent', 90_000, async () =>
      (await shop.notificationOf(token, orderId)) === 'sent' ? true : undefined,
    );
    await mailpit.waitForOrder(orderId);
    expect(await mailpit.about(orderId)).toHaveLength(1);
  });
});

describe('Keycloak restarted', () => {
  it('comes back healthy with the realm, and the pair keeps working', async () => {
    await timed('docker compose restart keycloak (to healthy)', async () => {
      await project.compose(['restart', 'keycloak']);
      await project.waitHealthy('keycloak', 180_000);
    });
    const token = await shop.customerToken();
    tokensSeen.push(token);
    const result = await shop.checkoutWithinRateLimit(token);
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ status: 'confirmed', notification: 'sent' });
    await mailpit.waitForOrder(result.body.orderId);
    expect(await shop.ready(url('shop-api', 3000))).toBe(true);
    // Its host port comes from a range (replicas), so a restart may have moved it.
    expect(await shop.ready(await project.publishedUrl('notification-service', 3001))).toBe(true);
  });
});

describe('docker compose logs', () => {
  it('hold no secret, password or token', async () => {
    const logs = await project.compose(['logs', '--no-color']);
    expect(logs).toContain('POST /api/checkout 201');
    const secrets = Object.entries(envExample()).filter(([name]) => /SECRET|PASSWORD/.test(name));
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    for (const [name, value] of secrets) {
      expect({ name, inLogs: logs.includes(value) }).toEqual({ name, inLogs: false });
    }
    expect(tokensSeen.filter((token) => logs.includes(token))).toHaveLength(0);
    const jwtShaped = logs.match(/eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g) ?? [];
    expect(jwtShaped.length).toBe(0);
  });
});

describe('app containers and images', () => {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const devPaths = new Set(
    Object.entries(lock.packages)
      .filter(([, entry]) => entry.dev)
      .map(([path]) => path),
  );
  const decided = Object.keys(
    (
      JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
        allowScripts?: Record<string, boolean>;
      }
    ).allowScripts ?? {},
  );

  it.each(APPS)('%s runs as the unprivileged user node (uid 1000)', async (app) => {
    const status = await project.compose(['exec', '-T', app, 'cat', '/proc/1/status']);
    const uids = /^Uid:\s+(.*)$/m.exec(status)?.[1].split(/\s+/);
    expect(uids).toEqual(['1000', '1000', '1000', '1000']);
    const user = await project.docker([
      'inspect',
      '--format',
      '{{.Config.User}}',
      await project.containerOf(app),
    ]);
    expect(user.trim()).toBe('node');
  });

  it.each(APPS)(
    '%s image holds production dependencies only, and no install-time telemetry',
    async (app) => {
      const packages = JSON.parse(
        await project.compose(['exec', '-T', app, 'node', '-e', LIST_INSTALLED_PACKAGES]),
      ) as InstalledPackage[];
      expect(packages.length).toBeGreaterThan(50);
      const image = await project.docker([
        'inspect',
        '--format',
        '{{.Image}}',
        await project.containerOf(app),
      ]);
      const bytes = Number(
        await project.docker(['image', 'inspect', '--format', '{{.Size}}', image.trim()]),
      );
      timings.push(`${app} image: ${(bytes / 1e6).toFixed(0)} MB, ${packages.length} packages`);
      expect(packages.filter((p) => devPaths.has(p.path)).map((p) => p.path)).toEqual([]);
      expect(packages.filter((p) => p.name === '@scarf/scarf').map((p) => p.path)).toEqual([]);
      const undecided = packages.filter(
        (p) => p.installScripts.length > 0 && !decided.includes(p.name),
      );
      expect(undecided.map((p) => `${p.name}: ${p.installScripts.join(', ')}`)).toEqual([]);
    },
  );
});

describe('docker compose stop', () => {
  it.each(APPS)('%s stops on SIGTERM with exit code 0 within seconds', async (app) => {
    const started = Date.now();
    await project.compose(['stop', app]);
    const seconds = (Date.now() - started) / 1000;
    timings.push(`docker compose stop ${app}: ${seconds.toFixed(1)} s`);
    const state = await project.state(app);
    expect({ status: state.Status, exitCode: state.ExitCode }).toEqual({
      status: 'exited',
      exitCode: 0,
    });
    expect(seconds).toBeLessThan(8);
  });
});

describe('docker compose down -v', () => {
  it('leaves no container, network or volume of the project, and frees the ports', async () => {
    await project.compose(['down', '-v']);
    stackDown = true;
    expect(await project.leftovers()).toEqual([]);
    expect(await portsInUse(PUBLISHED)).toEqual([]);
  });
});
