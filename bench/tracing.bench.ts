// `npm run bench:tracing`: what tracing costs per request, measured side by side in one run on
// the built apps: (off) no OTEL_* variable, the default; (on) every request traced and exported
// over OTLP/HTTP (protobuf, the SDK's default) to a local sink; (10%) the same with
// OTEL_TRACES_SAMPLER=parentbased_traceidratio, OTEL_TRACES_SAMPLER_ARG=0.1.
//
// Two requests: POST /api/checkout (the whole trace: shop-api, its guard, the cached token, the
// call to notification-service, its guard and the SMTP send) and GET /api/orders/:id (shop-api
// alone). Method as bench:receiver: app processes pinned to CPU 0 (taskset), the orchestrator,
// autocannon, Keycloak, SMTP and the OTLP sink on CPU 1; warm-up, then a measured window;
// variants interleaved round by round; ratios per round, median reported. CPU per request is
// shop-api's plus notification-service's, from /proc. Rate limits are off. BENCH_ROUNDS (3),
// BENCH_SECONDS (5), BENCH_WARMUP_SECONDS (2), BENCH_CONNECTIONS (20).
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import autocannon, { type Options } from 'autocannon';
import { Stack } from '../test/support/stack.js';
import { cpuSeconds, median, pinSelf } from './bench-support.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

const VARIANTS = [
  ['off', 'tracing off (default)'],
  ['on', 'tracing on, every request'],
  ['10%', 'tracing on, 10 % sampled'],
] as const;
type Variant = (typeof VARIANTS)[number][0];
const ENDPOINTS = ['checkout', 'order'] as const;
type Endpoint = (typeof ENDPOINTS)[number];

interface Measurement {
  variant: Variant;
  endpoint: Endpoint;
  rps: number;
  p50: number;
  p99: number;
  cpuMicros: number;
  failures: number;
}

/** Receives OTLP exports and only counts them (what a collector costs is not ours to measure). */
async function startSink() {
  let requests = 0;
  let bytes = 0;
  const server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => (bytes += chunk.length));
    request.on('end', () => {
      requests += 1;
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats: () => ({ requests, bytes }),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function pinTo(pid: number | undefined, cpu: string): boolean {
  if (pid === undefined) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpu, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const pinned = pinSelf();
  const sink = await startSink();
  const noLimits = { CHECKOUT_RATE_LIMIT_PER_CUSTOMER: '0', CHECKOUT_RATE_LIMIT_TOTAL: '0' };
  const quiet = { LOG_LEVEL: 'warn' };
  const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url };
  const stacks = new Map<Variant, Stack>();
  try {
    stacks.set('off', await Stack.start({ env: { ...noLimits, ...quiet } }));
    stacks.set('on', await Stack.start({ env: { ...noLimits, ...quiet, ...tracing } }));
    stacks.set(
      '10%',
      await Stack.start({
        env: {
          ...noLimits,
          ...quiet,
          ...tracing,
          OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
          OTEL_TRACES_SAMPLER_ARG: '0.1',
        },
      }),
    );
    for (const stack of stacks.values()) {
      pinTo(stack.shopApi.pid(), '0');
      pinTo(stack.notificationService.pid(), '0');
    }
    const targets = new Map<Variant, Record<Endpoint, Options>>();
    for (const [variant, stack] of stacks) {
      const token = await stack.customerToken();
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const order = await fetch(`${stack.shopApi.url}/api/checkout`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ items: [{ sku: 'KB-001', quantity: 1 }] }),
      });
      const { orderId } = (await order.json()) as { orderId: string };
      targets.set(variant, {
        checkout: {
          url: stack.shopApi.url,
          connections: CONNECTIONS,
          requests: [
            {
              method: 'POST',
              path: '/api/checkout',
              headers,
              body: JSON.stringify({ items: [{ sku: 'KB-001', quantity: 1 }] }),
            },
          ],
        },
        order: {
          url: stack.shopApi.url,
          connections: CONNECTIONS,
          requests: [{ method: 'GET', path: `/api/orders/${orderId}`, headers }],
        },
      });
    }

    const load = [loadavg()[0]];
    const results: Measurement[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const endpoint of ENDPOINTS) {
        for (const [variant] of VARIANTS) {
          const stack = stacks.get(variant) as Stack;
          const options = targets.get(variant)?.[endpoint] as Options;
          await autocannon({ ...options, duration: WARMUP_SECONDS });
          const pids = [stack.shopApi.pid(), stack.notificationService.pid()] as number[];
          const cpuBefore = pids.map(cpuSeconds);
          const run = await autocannon({ ...options, duration: SECONDS });
          const cpu = pids.map((pid, i) => cpuSeconds(pid) - cpuBefore[i]);
          results.push({
            variant,
            endpoint,
            rps: run.requests.average,
            p50: run.latency.p50,
            p99: run.latency.p99,
            cpuMicros: ((cpu[0] + cpu[1]) / Math.max(1, run['2xx'])) * 1e6,
            failures: run.non2xx + run.errors + run.timeouts,
          });
          process.stderr.write(
            `round ${round} ${endpoint} ${variant}: ${Math.round(run.requests.average)} req/s\n`,
          );
        }
      }
    }
    load.push(loadavg()[0]);
    report(results, pinned, load, sink.stats());
  } finally {
    await Promise.allSettled([...stacks.values()].map((stack) => stack.stop()));
    await sink.close();
  }
}

function report(
  results: Measurement[],
  pinned: boolean,
  load: number[],
  exported: { requests: number; bytes: number },
): void {
  console.log(
    `\nnode ${process.version}; ${ROUNDS} rounds × ${SECONDS} s (+${WARMUP_SECONDS} s warm-up), ` +
      `${CONNECTIONS} connections; ${pinned ? 'apps pinned to CPU 0, load generator on CPU 1' : 'NOT pinned'}; ` +
      `load average ${load.map((l) => l.toFixed(2)).join(' → ')}; ` +
      `OTLP sink received ${exported.requests} exports, ${(exported.bytes / 1e6).toFixed(1)} MB`,
  );
  for (const endpoint of ENDPOINTS) {
    console.log(
      `\n${endpoint === 'checkout' ? 'POST /api/checkout (both apps)' : 'GET /api/orders/:id (shop-api)'}`,
    );
    console.log(`${'variant'.padEnd(28)}   req/s  p50 ms  p99 ms  CPU µs/req  failures`);
    for (const [variant, label] of VARIANTS) {
      const rows = results.filter((r) => r.variant === variant && r.endpoint === endpoint);
      const m = (pick: (r: Measurement) => number) => median(rows.map(pick));
      console.log(
        `${`(${variant}) ${label}`.padEnd(28)} ${m((r) => r.rps)
          .toFixed(0)
          .padStart(7)} ${m((r) => r.p50)
          .toFixed(1)
          .padStart(7)} ${m((r) => r.p99)
          .toFixed(1)
          .padStart(7)} ${m((r) => r.cpuMicros)
          .toFixed(0)
          .padStart(11)} ${String(rows.reduce((sum, r) => sum + r.failures, 0)).padStart(9)}`,
      );
    }
    for (const variant of ['on', '10%'] as const) {
      const ratios = (pick: (r: Measurement) => number) => {
        const per = Array.from({ length: ROUNDS }, (_, i) => {
          const row = (v: Variant) =>
            results.filter((r) => r.variant === v && r.endpoint === endpoint)[i];
          return pick(row(variant)) / pick(row('off'));
        });
        return `${median(per).toFixed(2)} [${Math.min(...per).toFixed(2)}–${Math.max(...per).toFixed(2)}]`;
      };
      console.log(
        `${variant}/off: req/s ${ratios((r) => r.rps)}   CPU/req ${ratios((r) => r.cpuMicros)}`,
      );
    }
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
