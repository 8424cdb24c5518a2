// `npm run bench:keycloak-dist`: what real Keycloak from its distribution costs on this machine.
//
// 1. Download once: Maven into an empty local repository (its plugins and the 174 MB zip), then
//    the unpack into an empty cache, through the same code `npm run keycloak:dist` runs.
// 2. First start from that cache: Keycloak's own build step for start-dev runs, then is kept.
// 3. Later starts, per variant, interleaved round by round (BENCH_ROUNDS, default 3): seconds to
//    /health/ready, resident memory of the JVM when ready, seconds to stop. Variants:
//      compose     exactly as docker-compose.yml (its JAVA_OPTS_APPEND keeps the JVM to its
//                  client compiler, -XX:TieredStopAtLevel=1)
//      tiered      the same without JAVA_OPTS_APPEND: the JVM's default tiered compilation
//      java25      as compose, on the Temurin 25 JDK (BENCH_JAVA25_HOME)
//      java25-aot  as compose, on Temurin 25 with an AOT cache (JEP 483/514) that one training
//                  start records
//    BENCH_VARIANTS picks some (comma-separated). Ratios are per round against `compose`.
// Each start imports the techstore realm into a fresh database, as every start does.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDistKeycloak, type DistKeycloak } from '@app/keycloak-dist';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const JAVA25 = process.env.BENCH_JAVA25_HOME ?? '/usr/lib/jvm/temurin-25-jdk-amd64';
const ALL = ['compose', 'tiered', 'java25', 'java25-aot'] as const;
type Variant = (typeof ALL)[number];
const VARIANTS = ALL.filter(
  (variant) =>
    (process.env.BENCH_VARIANTS ?? variant).split(',').includes(variant) &&
    (!variant.startsWith('java25') || existsSync(JAVA25)),
);

const scratch = mkdtempSync(join(tmpdir(), 'bench-keycloak-dist-'));
const cache = join(scratch, 'cache');
const aotCache = join(scratch, 'keycloak.aot');
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const load = () => loadavg()[0].toFixed(2);

/** Resident memory (MiB) of every process in Keycloak's process group (watchdog, kc.sh, JVM). */
function residentMiB(group: number): number {
  const kib = execFileSync('ps', ['-eo', 'pgid=,rss='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter(([pgid]) => pgid === group)
    .reduce((sum, [, rss]) => sum + rss, 0);
  return Math.round(kib / 1024);
}

function environment(variant: Variant, extra: Record<string, string> = {}, freshMaven = false) {
  const env: Record<string, string | undefined> = { ...process.env, KEYCLOAK_DIST_CACHE: cache };
  if (freshMaven) env.MAVEN_OPTS = `-Dmaven.repo.local=${join(scratch, 'm2')}`;
  delete env.KEYCLOAK_HOME;
  // undefined: compose's own JAVA_OPTS_APPEND; '' turns it off (kc.sh ignores an empty one).
  const composeOpts = '-XX:TieredStopAtLevel=1';
  const javaOpts: Record<Variant, string | undefined> = {
    compose: undefined,
    tiered: '',
    java25: undefined,
    'java25-aot': `${composeOpts} -XX:AOTCache=${aotCache}`,
  };
  if (variant.startsWith('java25')) env.JAVA_HOME = JAVA25;
  const appended = extra.JAVA_OPTS_APPEND ?? javaOpts[variant];
  const extraEnv: Record<string, string> =
    appended === undefined ? {} : { JAVA_OPTS_APPEND: appended };
  return { env, extraEnv };
}

async function measure(variant: Variant, extra: Record<string, string> = {}, freshMaven = false) {
  const { env, extraEnv } = environment(variant, extra, freshMaven);
  const keycloak: DistKeycloak = await startDistKeycloak({
    env,
    extraEnv,
    readyTimeoutMs: 600_000,
  });
  const memory = residentMiB(keycloak.processGroup);
  const stopping = Date.now();
  await keycloak.stop();
  return { keycloak, memory, stopMs: Date.now() - stopping };
}

async function main(): Promise<void> {
  const started = Date.now();
  process.stdout.write(`load average ${load()}; scratch ${scratch}\n`);
  const cold = await measure('compose', {}, true);
  const fetched = cold.keycloak.distribution.fetched;
  process.stdout.write(
    `Keycloak ${cold.keycloak.version}, Java ${cold.keycloak.javaVersion}\n` +
      `download (Maven, empty local repository): ${fetched ? seconds(fetched.resolveMs) : '(cached)'} s\n` +
      `unpack: ${fetched ? seconds(fetched.unpackMs) : '(cached)'} s\n` +
      `first start (build step ${cold.keycloak.rebuilt ? 'included' : 'not needed'}): ${seconds(cold.keycloak.startupMs)} s to ready, ${cold.memory} MiB, stop ${seconds(cold.stopMs)} s (load ${load()})\n`,
  );
  if (VARIANTS.includes('java25-aot')) {
    const training = await measure('java25-aot', {
      JAVA_OPTS_APPEND: `-XX:TieredStopAtLevel=1 -XX:AOTCacheOutput=${aotCache}`,
    });
    process.stdout.write(
      `java25-aot training start: ${seconds(training.keycloak.startupMs)} s; cache written on stop (${seconds(training.stopMs)} s)\n`,
    );
  }
  const results = new Map<Variant, Array<{ ms: number; memory: number; stopMs: number }>>(
    VARIANTS.map((variant) => [variant, []]),
  );
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const variant of VARIANTS) {
      const { keycloak, memory, stopMs } = await measure(variant);
      results.get(variant)!.push({ ms: keycloak.startupMs, memory, stopMs });
      process.stdout.write(
        `round ${round} ${variant}: ${seconds(keycloak.startupMs)} s, ${memory} MiB (load ${load()})\n`,
      );
    }
  }
  process.stdout.write(
    '\n| variant | later start, median s (min–max) | vs compose | RSS MiB | stop s |\n',
  );
  process.stdout.write('| --- | ---: | ---: | ---: | ---: |\n');
  const base = results.get('compose')!;
  for (const [variant, runs] of results) {
    const ms = runs.map((run) => run.ms);
    const ratios = runs.map((run, index) => run.ms / (base[index]?.ms ?? run.ms));
    process.stdout.write(
      `| ${variant} | ${seconds(median(ms))} (${seconds(Math.min(...ms))}–${seconds(Math.max(...ms))}) | ${median(ratios).toFixed(2)} | ${median(runs.map((run) => run.memory))} | ${seconds(median(runs.map((run) => run.stopMs)))} |\n`,
    );
  }
  process.stdout.write(`\nwall ${seconds(Date.now() - started)} s, load average ${load()}\n`);
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(scratch, { recursive: true, force: true }));
