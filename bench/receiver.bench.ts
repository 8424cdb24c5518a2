// `npm run bench:receiver`: requests per second for (a) the endpoint with no auth, (b) the same
// endpoint behind KeycloakAuthModule, ten distinct valid tokens round robin, (c) the plain NestJS
// passport-jwt + jwks-rsa recipe with the same tokens, and (d) for reference a Nest global guard
// that only returns true (the floor any guard pays); on Express and on Fastify, in one run.
//
// Method (as perf-baseline.md): each server is a separate process pinned to CPU 0 (taskset), this
// orchestrator and autocannon (1 worker, 50 connections) run on CPU 1; warm-up, then a measured
// window; variants interleaved round by round; ratios are per round, then the median is reported.
// Everything listens on 127.0.0.1. BENCH_ROUNDS (3; 0: only the in-process part), BENCH_SECONDS
// (4), BENCH_WARMUP_SECONDS (2), BENCH_ADAPTERS (express,fastify).
//
// Then the decomposition without sockets: the four Fastify apps in one process, driven through
// fastify.inject() in turns of BENCH_INJECT_BATCH requests (250) for BENCH_INJECT_ROUNDS rounds
// (120), CPU time per request; machine noise hits one round's batches alike, so differences are
// taken per round. The cost of authentication itself is (b) − (d), what our guard adds to a
// guard that only returns true.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { JwksTestServer, KeycloakTokenSigner, createTestSigningKey } from '@app/auth/testing';
import {
  ROOT,
  compileBenchServer,
  cpuSeconds,
  loadAverage,
  machineLine,
  median,
  pinSelf,
  ratioSummary,
  spawnPinned,
  startBenchServer,
  stopServer,
} from './bench-support.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const INJECT_BATCH = Number(process.env.BENCH_INJECT_BATCH ?? 250);
const INJECT_ROUNDS = Number(process.env.BENCH_INJECT_ROUNDS ?? 120);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const ISSUER = 'http://localhost:8080/realms/techstore';
const AUDIENCE = 'notification-service';
const ALL_ADAPTERS = ['express', 'fastify'] as const;
const VARIANTS = [
  ['a', 'none', 'no auth'],
  ['b', 'guard', 'KeycloakAuthModule'],
  ['c', 'recipe', 'NestJS recipe (passport-jwt + jwks-rsa)'],
  ['d', 'allow-guard', 'reference: a Nest guard returning true'],
] as const;
type Adapter = (typeof ALL_ADAPTERS)[number];
const ADAPTERS = ALL_ADAPTERS.filter((adapter) =>
  (process.env.BENCH_ADAPTERS ?? adapter).includes(adapter),
);
type Variant = (typeof VARIANTS)[number][0];
interface Measurement {
  adapter: Adapter;
  variant: Variant;
  round: number;
  rps: number;
  p50: number;
  p99: number;
  /** Server CPU time (user + system) per request: stable even when other processes share the CPU. */
  cpuMicros: number;
}

async function main(): Promise<void> {
  const pinned = pinSelf();
  const loadBefore = loadAverage();
  // Inside the repository (dist/ is ignored) so that the compiled server resolves node_modules.
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const outDir = mkdtempSync(join(ROOT, 'dist', 'receiver-bench-'));
  const key = createTestSigningKey();
  const jwks = await JwksTestServer.start([key]);
  try {
    const entry = compileBenchServer(outDir);
    const signer = new KeycloakTokenSigner(key);
    const tokens = Array.from({ length: 10 }, () =>
      signer.sign(
        signer.serviceAccountClaims({
          issuer: ISSUER,
          clientId: 'shop-api',
          audience: AUDIENCE,
          clientRoles: { [AUDIENCE]: ['notifications:send'] },
          lifetimeSeconds: 3000,
        }),
      ),
    );
    const requests = tokens.map((token, i) => ({
      method: 'POST',
      path: '/api/notifications/order',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ orderId: `o-${1000 + i}`, email: 'alice@example.com', total: 129.9 }),
    }));

    const results: Measurement[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const adapter of ADAPTERS) {
        for (const [variant, name] of VARIANTS) {
          const { child, port } = await startBenchServer(entry, pinned, {
            VARIANT: name,
            ADAPTER: adapter,
            ISSUER,
            AUDIENCE,
            JWKS_URI: jwks.jwksUri,
          });
          try {
            const url = `http://127.0.0.1:${port}`;
            await autocannon({ url, connections: 50, duration: WARMUP_SECONDS, requests });
            const cpuBefore = cpuSeconds(child.pid!);
            const run = await autocannon({ url, connections: 50, duration: SECONDS, requests });
            const cpuMicros = ((cpuSeconds(child.pid!) - cpuBefore) * 1e6) / run.requests.total;
            if (run.non2xx > 0 || run.errors > 0 || run.timeouts > 0) {
              throw new Error(
                `${adapter}/${variant}: ${run.non2xx} non-2xx, ${run.errors} errors, ${run.timeouts} timeouts`,
              );
            }
            results.push({
              adapter,
              variant,
              round,
              rps: run.requests.average,
              p50: run.latency.p50,
              p99: run.latency.p99,
              cpuMicros,
            });
            process.stderr.write(
              `round ${round} ${adapter.padEnd(7)} ${variant} ${run.requests.average.toFixed(0).padStart(6)} req/s\n`,
            );
          } finally {
            await stopServer(child);
          }
        }
      }
    }
    if (results.length > 0) report(results, pinned, jwks.requests, [loadBefore, loadAverage()]);
    if (INJECT_BATCH > 0) {
      const body = requests[0].body;
      await decompose(
        entry,
        pinned,
        requests.map((r) => r.headers.authorization).join(','),
        body,
        jwks.jwksUri,
      );
    }
  } finally {
    await jwks.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** In-process CPU µs per request of each variant on Fastify (fastify.inject), side by side. */
async function decompose(
  entry: string,
  pinned: boolean,
  authorizations: string,
  body: string,
  jwksUri: string,
): Promise<void> {
  const child = spawnPinned(
    pinned,
    [entry],
    {
      VARIANT: VARIANTS.map(([, name]) => name).join(','),
      ISSUER,
      AUDIENCE,
      JWKS_URI: jwksUri,
      INJECT_BATCH: String(INJECT_BATCH),
      INJECT_ROUNDS: String(INJECT_ROUNDS),
      INJECT_AUTHORIZATIONS: authorizations,
      INJECT_BODY: body,
    },
    ['ignore', 'pipe', 'inherit'],
  );
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`in-process run exited (${code})`)));
    createInterface({ input: child.stdout! }).on('line', (l) => {
      if (l.startsWith('inject ')) resolve(l);
    });
  });
  await stopServer(child);
  const byName = JSON.parse(line.slice('inject '.length)) as Record<string, number[]>;
  const of = (variant: Variant) => byName[VARIANTS.find(([v]) => v === variant)![1]];
  const diff = (x: Variant, y: Variant) => {
    const values = of(x).map((v, i) => v - of(y)[i]);
    return `${median(values).toFixed(1)} [${Math.min(...values).toFixed(1)}-${Math.max(...values).toFixed(1)}]`;
  };
  console.log(
    `\nin process, Fastify, fastify.inject(), all variants in one process: CPU µs per request, ` +
      `median of ${INJECT_ROUNDS} rounds of ${INJECT_BATCH} requests each, differences per round [min-max]`,
  );
  for (const [variant, , label] of VARIANTS) {
    console.log(`(${variant}) ${label.padEnd(42)}${median(of(variant)).toFixed(1).padStart(8)}`);
  }
  console.log(`authentication of a cached token, (b) − (d): ${diff('b', 'd')} µs`);
  console.log(`Nest's guard floor, (d) − (a): ${diff('d', 'a')} µs`);
  console.log(`the recipe's authentication, (c) − (d): ${diff('c', 'd')} µs`);
}

function report(
  results: Measurement[],
  pinned: boolean,
  jwksRequests: number,
  load: number[],
): void {
  console.log(
    [
      `\nreceiver benchmark: ${machineLine(load)}`,
      pinned
        ? 'server pinned to CPU 0 (taskset), orchestrator + autocannon on CPU 1'
        : 'NOT pinned (taskset or a second CPU missing)',
      `autocannon: 1 worker, 50 connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured, ` +
        `${ROUNDS} rounds with variants interleaved; POST /api/notifications/order (JSON body → 201), ` +
        `10 distinct valid tokens round robin; JWKS requests in total: ${jwksRequests}`,
      'ratios: per round, then the median [min-max]; "CPU" ratios compare server CPU time per request',
    ].join('\n'),
  );
  for (const adapter of ADAPTERS) {
    const of = (variant: Variant) =>
      results.filter((r) => r.adapter === adapter && r.variant === variant);
    const mid = (variant: Variant, pick: (r: Measurement) => number) =>
      median(of(variant).map(pick));
    const perRound = (x: Variant, y: Variant, pick: (r: Measurement) => number) =>
      ratioSummary(of(x).map((r) => pick(r) / pick(of(y).find((s) => s.round === r.round)!)));
    const rps = (r: Measurement) => r.rps;
    const capacity = (r: Measurement) => 1 / r.cpuMicros;
    console.log(`\n${adapter}\n${'variant'.padEnd(46)}   req/s  p50 ms  p99 ms  CPU µs/req`);
    for (const [variant, , label] of VARIANTS) {
      console.log(
        `(${variant}) ${label.padEnd(42)}${mid(variant, rps).toFixed(0).padStart(8)}` +
          `${String(mid(variant, (r) => r.p50)).padStart(8)}${String(mid(variant, (r) => r.p99)).padStart(8)}` +
          `${mid(variant, (r) => r.cpuMicros)
            .toFixed(0)
            .padStart(12)}`,
      );
    }
    console.log(`req/s b/a ${perRound('b', 'a', rps)}   b/c ${perRound('b', 'c', rps)}`);
    console.log(`CPU   b/a ${perRound('b', 'a', capacity)}   b/c ${perRound('b', 'c', capacity)}`);
    console.log(
      `reference: d/a ${perRound('d', 'a', rps)} (req/s), ${perRound('d', 'a', capacity)} (CPU)`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
