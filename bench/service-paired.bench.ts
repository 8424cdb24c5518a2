// `npm run bench:service-paired -- <build A> <build B>`: two builds of notification-service
// (folders holding notification-service/main.js, e.g. dist/apps and an older commit's dist/apps
// copied under dist/) on the idempotent path of bench:service, both started once and kept
// running, measured in short windows that alternate A, B / B, A for BENCH_PAIRS pairs. CPU time
// per request of each comes from /proc; the ratio B/A and the difference A − B are taken per
// pair and their median reported, so load that changes between windows cancels far better than
// between the rounds of bench:service, which restarts every server. For before/after figures of
// one change, or the cost of one behaviour (a build with it removed against one with it).
// BENCH_PAIRS (12), BENCH_SECONDS (1.5), BENCH_STDOUT=pipe (the apps' stdout a pipe that this
// process drains, as under a container runtime, rather than /dev/null).
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { JwksTestServer, KeycloakTokenSigner, createTestSigningKey } from '@app/auth/testing';
import {
  ROOT,
  cpuSeconds,
  freePort,
  loadAverage,
  machineLine,
  median,
  pinSelf,
  spawnPinned,
  stopServer,
  waitUntilAnswering,
} from './bench-support.js';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 12);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1.5);
const PIPE = process.env.BENCH_STDOUT === 'pipe';
const REALM = 'techstore';
const AUDIENCE = 'notification-service';
const ORDER = {
  orderId: 'ord-bench-1',
  email: 'alice@example.com',
  items: [
    { sku: 'KB-001', quantity: 1, name: 'Mechanical keyboard', unitPrice: 89.9 },
    { sku: 'MS-002', quantity: 2, name: 'Mouse', unitPrice: 19.95 },
  ],
  total: 129.8,
};

async function main(): Promise<void> {
  const builds = process.argv.slice(2);
  if (builds.length !== 2) throw new Error('usage: service-paired.bench.ts <build A> <build B>');
  const pinned = pinSelf();
  const loadBefore = loadAverage();
  const key = createTestSigningKey();
  const jwks = await JwksTestServer.start([key], { realm: REALM });
  const issuer = `http://localhost:8080/realms/${REALM}`;
  const signer = new KeycloakTokenSigner(key);
  const body = JSON.stringify(ORDER);
  const requests = Array.from({ length: 10 }, () => ({
    method: 'POST',
    path: '/api/notifications/order',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${signer.sign(
        signer.serviceAccountClaims({
          issuer,
          clientId: 'shop-api',
          audience: AUDIENCE,
          clientRoles: { [AUDIENCE]: ['notifications:send'] },
          lifetimeSeconds: 3000,
        }),
      )}`,
      'idempotency-key': ORDER.orderId,
    },
    body,
  }));
  const dataRoot = mkdtempSync(join(ROOT, 'dist', 'service-paired-'));
  const servers = [];
  try {
    for (const build of builds) {
      const port = await freePort();
      const child = spawnPinned(
        pinned,
        [join(ROOT, build, 'notification-service/main.js')],
        {
          PORT: String(port),
          KEYCLOAK_URL: new URL(jwks.realmUrl).origin,
          KEYCLOAK_REALM: REALM,
          KEYCLOAK_ISSUER: issuer,
          DATA_DIR: mkdtempSync(join(dataRoot, 'data-')),
          NOTIFICATION_RATE_LIMIT_PER_CALLER: '1000000000',
        },
        ['ignore', PIPE ? 'pipe' : 'ignore', 'inherit'],
      );
      child.stdout?.resume();
      servers.push({ build, port, child });
      await waitUntilAnswering(`http://127.0.0.1:${port}/health/live`, child);
      // The first notification sends; every later one is the duplicate measured.
      for (const expected of [201, 200]) {
        const response = await fetch(`http://127.0.0.1:${port}${requests[0].path}`, {
          method: 'POST',
          headers: requests[0].headers,
          body,
        });
        if (response.status !== expected) {
          throw new Error(`${build}: expected ${expected}, got ${response.status}`);
        }
      }
    }
    const run = (port: number, duration: number) =>
      autocannon({ url: `http://127.0.0.1:${port}`, connections: 50, duration, requests });
    for (const server of servers) await run(server.port, 2);
    const cpu: [number[], number[]] = [[], []];
    for (let pair = 0; pair < PAIRS; pair++) {
      for (const index of pair % 2 ? [1, 0] : [0, 1]) {
        const { child, port, build } = servers[index];
        const before = cpuSeconds(child.pid!);
        const result = await run(port, SECONDS);
        if (result.non2xx > 0 || result.errors > 0) throw new Error(`${build}: failed requests`);
        cpu[index].push(((cpuSeconds(child.pid!) - before) * 1e6) / result.requests.total);
      }
    }
    const ratios = cpu[1].map((b, i) => b / cpu[0][i]);
    const differences = cpu[0].map((a, i) => a - cpu[1][i]);
    console.log(
      [
        `service-paired benchmark: ${machineLine([loadBefore, loadAverage()])}`,
        `${PAIRS} pairs of ${SECONDS} s windows, stdout ${PIPE ? 'a pipe' : '/dev/null'}, ` +
          (pinned ? 'servers pinned to CPU 0' : 'NOT pinned'),
        `A ${builds[0]}: ${median(cpu[0]).toFixed(1)} µs CPU per request`,
        `B ${builds[1]}: ${median(cpu[1]).toFixed(1)} µs CPU per request`,
        `B / A per pair: ${median(ratios).toFixed(3)} [${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}]`,
        `A − B per pair: ${median(differences).toFixed(1)} µs`,
      ].join('\n'),
    );
  } finally {
    for (const { child } of servers) await stopServer(child);
    await jwks.close();
    rmSync(dataRoot, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
