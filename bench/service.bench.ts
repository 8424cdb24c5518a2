// `npm run bench:service`: notification-service as shipped (the built app, dist/) on its
// idempotent path, an authenticated duplicate order notification (200 "duplicate"), side by side
// in one run with
//   (e) bare Nest on Express and (f) bare Nest on Fastify that only answer the POST (no auth),
//   (g) the floor: Nest on Fastify with a no-op global guard, pipe and interceptor,
//   (h) the apps' edge: the same route in an app made by createService (security headers,
//       strict JSON, request ids, a log line and a histogram sample per request), no auth,
//   (r) the Passport recipe (passport-jwt + jwks-rsa, AuthGuard('jwt')) on Express,
//   (s) notification-service, ten distinct valid service-account tokens of shop-api round robin.
//
// Method as bench:receiver (docs/benchmarks.md): every server its own process pinned to CPU 0,
// autocannon (1 worker, 50 connections) and this orchestrator on CPU 1, warm-up then a measured
// window, variants interleaved round by round, ratios per round and their median. Server CPU time
// per request comes from /proc. BENCH_ROUNDS (3), BENCH_SECONDS (5), BENCH_WARMUP_SECONDS (2).
// BENCH_BASELINE=<dir>: also (p), notification-service built elsewhere (e.g. an older commit's
// dist/apps, copied under dist/), in the same rounds. BENCH_PROFILE=<dir>: afterwards, one more
// run of (s), and of (p) with a baseline, under `--cpu-prof`, summarised by where the time goes
// (bench/cpu-profile-summary.ts).
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { JwksTestServer, KeycloakTokenSigner, createTestSigningKey } from '@app/auth/testing';
import {
  ROOT,
  compileBenchServer,
  cpuSeconds,
  freePort,
  loadAverage,
  machineLine,
  median,
  pinSelf,
  ratioSummary,
  spawnPinned,
  startBenchServer,
  stopServer,
  waitUntilAnswering,
  type StartedServer,
} from './bench-support.js';
import { summarizeCpuProfile } from './cpu-profile-summary.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const PROFILE_DIR = process.env.BENCH_PROFILE;
const REALM = 'techstore';
const AUDIENCE = 'notification-service';
const BASELINE = process.env.BENCH_BASELINE;
const SERVICE_ENTRY = join(ROOT, 'dist/apps/notification-service/main.js');

type Variant = 'e' | 'f' | 'g' | 'h' | 'r' | 's' | 'p';
const ONLY = process.env.BENCH_VARIANTS?.split(',');
const VARIANTS: (readonly [Variant, string])[] = (
  [
    ['e', 'bare Nest on Express, no auth'],
    ['f', 'bare Nest on Fastify, no auth'],
    ['g', 'floor: Fastify + no-op guard, pipe, interceptor'],
    ['h', "the apps' edge (createService), no auth"],
    ['r', 'Passport recipe (passport-jwt + jwks-rsa), Express'],
    ['s', 'notification-service as shipped (Fastify)'],
    ...(BASELINE ? [['p', `notification-service, baseline ${BASELINE}`] as const] : []),
  ] as (readonly [Variant, string])[]
).filter(([variant]) => !ONLY || ONLY.includes(variant));

interface Measurement {
  variant: Variant;
  round: number;
  rps: number;
  p50: number;
  p99: number;
  cpuMicros: number;
}

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
  const pinned = pinSelf();
  const loadBefore = loadAverage();
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const outDir = mkdtempSync(join(ROOT, 'dist', 'service-bench-'));
  const key = createTestSigningKey();
  const jwks = await JwksTestServer.start([key], { realm: REALM });
  const keycloakUrl = new URL(jwks.realmUrl).origin;
  const issuer = `http://localhost:8080/realms/${REALM}`;
  try {
    const entry = compileBenchServer(outDir);
    const signer = new KeycloakTokenSigner(key);
    const tokens = Array.from({ length: 10 }, () =>
      signer.sign(
        signer.serviceAccountClaims({
          issuer,
          clientId: 'shop-api',
          audience: AUDIENCE,
          clientRoles: { [AUDIENCE]: ['notifications:send'] },
          lifetimeSeconds: 3000,
        }),
      ),
    );
    const body = JSON.stringify(ORDER);
    const requests = tokens.map((token) => ({
      method: 'POST',
      path: '/api/notifications/order',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'idempotency-key': ORDER.orderId,
      },
      body,
    }));

    const start = async (variant: Variant, cpuProfileDir?: string): Promise<StartedServer> => {
      if (variant !== 's' && variant !== 'p') {
        const [name, adapter] = {
          e: ['none', 'express'],
          f: ['none', 'fastify'],
          g: ['floor', 'fastify'],
          h: ['edge', 'fastify'],
          r: ['recipe', 'express'],
        }[variant];
        return startBenchServer(entry, pinned, {
          VARIANT: name,
          ADAPTER: adapter,
          ISSUER: issuer,
          AUDIENCE,
          JWKS_URI: jwks.jwksUri,
        });
      }
      const port = await freePort();
      // A fresh embedded store per start (ADR 0019): the first notification of each start sends.
      const dataDir = mkdtempSync(join(outDir, 'data-'));
      const child = spawnPinned(
        pinned,
        [
          ...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : []),
          variant === 'p' ? join(BASELINE!, 'notification-service/main.js') : SERVICE_ENTRY,
        ],
        {
          PORT: String(port),
          KEYCLOAK_URL: keycloakUrl,
          KEYCLOAK_REALM: REALM,
          KEYCLOAK_ISSUER: issuer,
          DATA_DIR: dataDir,
          // The per-caller limit stays on (its bucket is taken on every request) but high enough
          // that the load generator is never refused.
          NOTIFICATION_RATE_LIMIT_PER_CALLER: '1000000000',
        },
        ['ignore', 'ignore', 'inherit'],
      );
      await waitUntilAnswering(`http://127.0.0.1:${port}/health/live`, child);
      return { child, port };
    };

    /** The first notification sends (201); every later one with the same key is a duplicate (200). */
    const prime = async (variant: Variant, port: number): Promise<void> => {
      const url = `http://127.0.0.1:${port}/api/notifications/order`;
      const service = variant === 's' || variant === 'p';
      for (const expected of service ? [201, 200] : [201]) {
        const response = await fetch(url, {
          method: 'POST',
          headers: requests[0].headers,
          body,
        });
        const text = await response.text();
        if (response.status !== expected) {
          throw new Error(`${variant}: expected ${expected}, got ${response.status} ${text}`);
        }
        if (service && expected === 200 && !text.includes('"duplicate"')) {
          throw new Error(`${variant}: the second request was not a duplicate: ${text}`);
        }
      }
    };

    const measure = async (variant: Variant, round: number): Promise<Measurement> => {
      const { child, port } = await start(variant);
      try {
        await prime(variant, port);
        const url = `http://127.0.0.1:${port}`;
        await autocannon({ url, connections: 50, duration: WARMUP_SECONDS, requests });
        const cpuBefore = cpuSeconds(child.pid!);
        const run = await autocannon({ url, connections: 50, duration: SECONDS, requests });
        const cpuMicros = ((cpuSeconds(child.pid!) - cpuBefore) * 1e6) / run.requests.total;
        if (run.non2xx > 0 || run.errors > 0 || run.timeouts > 0) {
          throw new Error(
            `${variant}: ${run.non2xx} non-2xx, ${run.errors} errors, ${run.timeouts} timeouts`,
          );
        }
        process.stderr.write(
          `round ${round} ${variant} ${run.requests.average.toFixed(0).padStart(6)} req/s ${cpuMicros.toFixed(0).padStart(5)} µs\n`,
        );
        return {
          variant,
          round,
          rps: run.requests.average,
          p50: run.latency.p50,
          p99: run.latency.p99,
          cpuMicros,
        };
      } finally {
        await stopServer(child);
      }
    };

    const results: Measurement[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [variant] of VARIANTS) results.push(await measure(variant, round));
    }
    if (results.length > 0) report(results, pinned, [loadBefore, loadAverage()]);

    if (PROFILE_DIR) {
      // (s), and with BENCH_BASELINE (p) too: where a request's time goes, side by side.
      for (const variant of BASELINE ? (['p', 's'] as const) : (['s'] as const)) {
        const dir = join(PROFILE_DIR, variant);
        mkdirSync(dir, { recursive: true });
        const spawnedAt = performance.now();
        const { child, port } = await start(variant, dir);
        let skipMicros: number;
        try {
          await prime(variant, port);
          const url = `http://127.0.0.1:${port}`;
          await autocannon({ url, connections: 50, duration: WARMUP_SECONDS, requests });
          skipMicros = (performance.now() - spawnedAt) * 1000;
          await autocannon({ url, connections: 50, duration: SECONDS, requests });
        } finally {
          await stopServer(child);
        }
        const profile = readdirSync(dir)
          .filter((file) => file.endsWith('.cpuprofile'))
          .sort()
          .pop();
        if (profile) {
          console.log(`\n(${variant}) ${summarizeCpuProfile(join(dir, profile), skipMicros)}`);
        }
      }
    }
  } finally {
    await jwks.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

function report(results: Measurement[], pinned: boolean, load: number[]): void {
  const of = (variant: Variant) => results.filter((r) => r.variant === variant);
  const mid = (variant: Variant, pick: (r: Measurement) => number) => median(of(variant).map(pick));
  const perRound = (x: Variant, y: Variant, pick: (r: Measurement) => number) =>
    ratioSummary(of(x).map((r) => pick(r) / pick(of(y).find((s) => s.round === r.round)!)));
  const rps = (r: Measurement) => r.rps;
  const capacity = (r: Measurement) => 1 / r.cpuMicros;
  console.log(
    [
      `\nservice benchmark: ${machineLine(load)}`,
      pinned
        ? 'servers pinned to CPU 0 (taskset), orchestrator + autocannon on CPU 1'
        : 'NOT pinned (taskset or a second CPU missing)',
      `autocannon: 1 worker, 50 connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured, ` +
        `${ROUNDS} rounds with variants interleaved; POST /api/notifications/order ` +
        `(Idempotency-Key repeated: the duplicate path), 10 distinct valid tokens round robin`,
      'ratios: per round, then the median [min-max]; "CPU" ratios compare server CPU time per request',
      `\n${'variant'.padEnd(56)}   req/s  p50 ms  p99 ms  CPU µs/req`,
    ].join('\n'),
  );
  for (const [variant, label] of VARIANTS) {
    console.log(
      `(${variant}) ${label.padEnd(52)}${mid(variant, rps).toFixed(0).padStart(8)}` +
        `${String(mid(variant, (r) => r.p50)).padStart(8)}${String(mid(variant, (r) => r.p99)).padStart(8)}` +
        `${mid(variant, (r) => r.cpuMicros)
          .toFixed(0)
          .padStart(12)}`,
    );
  }
  const pairs: [Variant, Variant, string][] = [
    ['s', 'f', 'service / bare Fastify (target ≥ 0.4)'],
    ['s', 'r', 'service / Passport recipe (target ≥ 3)'],
    ['s', 'g', 'service / floor'],
    ['g', 'f', 'floor / bare Fastify'],
    ['s', 'h', "service / the apps' edge"],
    ['h', 'f', "the apps' edge / bare Fastify"],
    ['e', 'f', 'bare Express / bare Fastify'],
    ...(BASELINE
      ? ([
          ['p', 'f', 'baseline / bare Fastify'],
          ['p', 'r', 'baseline / Passport recipe'],
          ['s', 'p', 'service / baseline'],
        ] as [Variant, Variant, string][])
      : []),
  ];
  const measured = new Set(results.map((r) => r.variant));
  for (const [x, y, what] of pairs.filter(([x, y]) => measured.has(x) && measured.has(y))) {
    console.log(
      `${what.padEnd(42)} req/s ${perRound(x, y, rps)}   CPU ${perRound(x, y, capacity)}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
