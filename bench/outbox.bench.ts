// `npm run bench:outbox`: what keeping state costs a checkout. Checkouts per second, checkout
// latency and delivery latency (checkout request sent → email at the SMTP server, p50/p99) of
// the whole pair (local Keycloak-compatible server, both apps as processes, a real SMTP catcher)
// with its state
//   (m) in memory: the last commit before the store (BENCH_BASELINE_REF, default c8f716e),
//       checked out into a temporary worktree and built beside this one;
//   (e) in the embedded store (PGlite under a fresh DATA_DIR);
//   (p) in PostgreSQL: a throwaway cluster from the machine's binaries with its default,
//       durable settings (fsync and synchronous_commit on).
// Closed loop: BENCH_CLIENTS (16) customers check out back to back for BENCH_SECONDS (8) after
// BENCH_WARMUP_SECONDS (2); variants interleaved round by round (BENCH_ROUNDS, 3); ratios per
// round, then the median [min-max]. Also the CPU time (user + system, from /proc) that both apps
// and, for (p), the PostgreSQL server spent per checkout: steadier than throughput when other
// work shares the machine. Everything listens on 127.0.0.1. Not a test: it prints.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, findPostgresBin, startPostgres } from '../test/support/postgres-server.js';
import { REPO_ROOT } from '../test/support/processes.js';
import { checkout } from '../test/support/shop-client.js';
import { Stack, type StackOptions } from '../test/support/stack.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const BASELINE_REF = process.env.BENCH_BASELINE_REF ?? 'c8f716e';

type Variant = 'm' | 'e' | 'p';
const NAMES: Record<Variant, string> = {
  m: 'in memory (before the store)',
  e: 'embedded (PGlite)',
  p: 'PostgreSQL',
};

interface Measurement {
  variant: Variant;
  rps: number;
  checkoutP50: number;
  checkoutP99: number;
  deliveryP50: number;
  deliveryP99: number;
  /** CPU time of both apps (and the PostgreSQL server) per checkout, in microseconds. */
  cpuMicros: number;
  /** Orders whose email did not arrive within 30 s of the end (must be 0). */
  undelivered: number;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process and, with `children`, of its direct children. */
function cpuSeconds(pid: number, children = false): number {
  const stat = (p: number) => {
    try {
      return readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
    } catch {
      return undefined; // gone meanwhile
    }
  };
  const own = (fields: string[] | undefined) =>
    fields ? (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND : 0;
  let total = own(stat(pid));
  if (children) {
    for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      const fields = stat(Number(entry));
      if (fields && Number(fields[1]) === pid) total += own(fields);
    }
  }
  return total;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
};
const median = (values: number[]) => percentile(values, 0.5);

/** The baseline's apps, built from git into a temporary worktree that shares node_modules. */
function buildBaseline(): string | undefined {
  try {
    execFileSync('git', ['-C', REPO_ROOT, 'cat-file', '-e', `${BASELINE_REF}^{commit}`]);
  } catch {
    process.stdout.write(`baseline ${BASELINE_REF} is not in this clone: (m) is skipped\n`);
    return undefined;
  }
  const dir = join(mkdtempSync(join(tmpdir(), 'bench-baseline-')), 'tree');
  execFileSync('git', ['-C', REPO_ROOT, 'worktree', 'add', '--detach', dir, BASELINE_REF], {
    stdio: 'ignore',
  });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  const nest = join(REPO_ROOT, 'node_modules', '.bin', 'nest');
  for (const app of ['shop-api', 'notification-service']) {
    execFileSync(nest, ['build', app], { cwd: dir, stdio: 'ignore' });
  }
  return dir;
}

/** A load test checks out far more often than the rate limits allow (ADR 0022): both off. */
const NO_RATE_LIMITS = {
  CHECKOUT_RATE_LIMIT_PER_CUSTOMER: '0',
  CHECKOUT_RATE_LIMIT_TOTAL: '0',
  NOTIFICATION_RATE_LIMIT_PER_CALLER: '0',
};

async function measure(
  variant: Variant,
  options: StackOptions,
  postgresPid: number | undefined,
): Promise<Measurement> {
  const stack = await Stack.start({ ...options, env: NO_RATE_LIMITS });
  const cpu = () =>
    cpuSeconds(stack.shopApi.pid() as number) +
    cpuSeconds(stack.notificationService.pid() as number) +
    (postgresPid !== undefined && variant === 'p' ? cpuSeconds(postgresPid, true) : 0);
  try {
    const token = await stack.customerToken();
    const sentAt = new Map<string, number>();
    const checkoutMs: number[] = [];
    let measuring = false;
    let done = 0;
    const run = async (until: number) => {
      while (Date.now() < until) {
        const started = Date.now();
        const result = await checkout(stack.shopApi.url, token);
        if (result.status !== 201 || !result.body.orderId)
          throw new Error(`checkout ${result.status}`);
        if (!measuring) continue;
        sentAt.set(result.body.orderId, started);
        checkoutMs.push(Date.now() - started);
        done += 1;
      }
    };
    const warm = Date.now() + WARMUP_SECONDS * 1000;
    await Promise.all(Array.from({ length: CLIENTS }, () => run(warm)));
    measuring = true;
    const start = Date.now();
    const cpuBefore = cpu();
    await Promise.all(Array.from({ length: CLIENTS }, () => run(start + SECONDS * 1000)));
    const elapsed = (Date.now() - start) / 1000;
    const arrived = () =>
      stack.smtp.messages.filter((email) =>
        sentAt.has(/Your order (\S+) is confirmed/.exec(email.subject)?.[1] ?? ''),
      );
    const deadline = Date.now() + 30_000;
    while (arrived().length < sentAt.size && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Every delivery of the window is done: its CPU is counted too.
    const cpuMicros = ((cpu() - cpuBefore) * 1e6) / done;
    const deliveryMs = arrived().map(
      (email) =>
        email.receivedAt - sentAt.get(/Your order (\S+) is confirmed/.exec(email.subject)![1])!,
    );
    return {
      variant,
      rps: done / elapsed,
      checkoutP50: percentile(checkoutMs, 0.5),
      checkoutP99: percentile(checkoutMs, 0.99),
      deliveryP50: percentile(deliveryMs, 0.5),
      deliveryP99: percentile(deliveryMs, 0.99),
      cpuMicros,
      undelivered: sentAt.size - deliveryMs.length,
    };
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0];
  const baseline = buildBaseline();
  const bin = findPostgresBin();
  if (!bin) process.stdout.write('PostgreSQL not found: (p) is skipped\n');
  const postgres = bin ? await startPostgres(bin) : undefined;
  const results: Measurement[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round += 1) {
      const variants = new Map<Variant, () => Promise<StackOptions>>();
      if (baseline) variants.set('m', () => Promise.resolve({ appsRoot: baseline }));
      variants.set('e', () =>
        Promise.resolve({ dataDir: mkdtempSync(join(tmpdir(), 'bench-data-')) }),
      );
      if (postgres) {
        variants.set('p', async () => ({
          databaseUrl: await createDatabase(postgres.adminUrl, `bench_${round}`),
        }));
      }
      for (const [variant, options] of variants) {
        const result = await measure(variant, await options(), postgres?.pid);
        results.push(result);
        process.stdout.write(
          `round ${round} ${variant}: ${result.rps.toFixed(0)} checkouts/s, checkout p50 ${result.checkoutP50} ms p99 ${result.checkoutP99} ms, delivery p50 ${result.deliveryP50} ms p99 ${result.deliveryP99} ms, ${result.cpuMicros.toFixed(0)} µs CPU/checkout\n`,
        );
      }
    }
  } finally {
    await postgres?.stop();
    if (baseline) {
      execFileSync('git', ['-C', REPO_ROOT, 'worktree', 'remove', '--force', baseline]);
      rmSync(join(baseline, '..'), { recursive: true, force: true });
    }
  }
  report(results, postgres?.version, [loadBefore, loadavg()[0]]);
}

function report(results: Measurement[], pgVersion: string | undefined, load: number[]): void {
  const of = (variant: Variant) => results.filter((r) => r.variant === variant);
  const present = (['m', 'e', 'p'] as Variant[]).filter((v) => of(v).length > 0);
  const lines = [
    '',
    `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, PostgreSQL ${pgVersion ?? '-'}; ` +
      `${ROUNDS} rounds × ${SECONDS} s, ${CLIENTS} clients; load average ${load.map((l) => l.toFixed(2)).join(' → ')}`,
    '',
    '| state | checkouts/s | checkout p50 ms | checkout p99 ms | delivery p50 ms | delivery p99 ms | CPU µs/checkout |',
    '| ----- | ----------: | --------------: | --------------: | --------------: | --------------: | --------------: |',
    ...present.map((variant) => {
      const rows = of(variant);
      const m = (pick: (r: Measurement) => number) => median(rows.map(pick)).toFixed(0);
      return `| (${variant}) ${NAMES[variant]} | ${m((r) => r.rps)} | ${m((r) => r.checkoutP50)} | ${m((r) => r.checkoutP99)} | ${m((r) => r.deliveryP50)} | ${m((r) => r.deliveryP99)} | ${m((r) => r.cpuMicros)} |`;
    }),
    '',
  ];
  if (of('m').length > 0) {
    for (const variant of present.filter((v) => v !== 'm')) {
      for (const [what, pick] of [
        ['checkouts/s', (r: Measurement) => r.rps],
        ['CPU/checkout', (r: Measurement) => r.cpuMicros],
      ] as const) {
        const ratios = of(variant).map((r, i) => pick(r) / pick(of('m')[i]));
        lines.push(
          `${variant}/m ${what}: ${median(ratios).toFixed(2)} [${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}]`,
        );
      }
    }
  }
  lines.push(`undelivered after 30 s: ${results.reduce((sum, r) => sum + r.undelivered, 0)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
