// `npm run bench:startup`: for each built app (dist/apps), the time from spawning the process to
// its first answer on /health/live (median of BENCH_STARTS runs, default 7, the app pinned to
// CPU 0 and the poller on CPU 1), and the modules it has loaded by then (counted through
// test/support/module-recorder.mjs, by package). BENCH_BASELINE=<dir> measures another build's apps
// (e.g. an older commit's dist/apps copied under dist/) in the same run.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ROOT,
  freePort,
  loadAverage,
  machineLine,
  median,
  pinSelf,
  spawnPinned,
  stopServer,
  waitUntilAnswering,
} from './bench-support.js';

const STARTS = Number(process.env.BENCH_STARTS ?? 7);
const BASELINE = process.env.BENCH_BASELINE;
const APPS = ['shop-api', 'notification-service'] as const;
/** Packages of one half, to show which half each app loads. */
const WATCHED = [
  'axios',
  '@nestjs/axios',
  'jwks-rsa',
  'passport',
  'passport-jwt',
  'jsonwebtoken',
  '@nestjs/passport',
  'prom-client',
];

/** Enough configuration to start; Keycloak is never contacted before the first request. */
const ENV: NodeJS.ProcessEnv = {
  KEYCLOAK_URL: 'http://127.0.0.1:9',
  KEYCLOAK_CLIENT_SECRET: 'startup-bench-secret',
  LOG_LEVEL: 'warn',
};

interface Build {
  label: string;
  dir: string;
}

async function start(entry: string, pinned: boolean, extraArgs: string[], env: NodeJS.ProcessEnv) {
  const port = await freePort();
  const startedAt = performance.now();
  const child = spawnPinned(pinned, [...extraArgs, entry], { ...ENV, ...env, PORT: String(port) }, [
    'ignore',
    'ignore',
    'inherit',
  ]);
  try {
    await waitUntilAnswering(`http://127.0.0.1:${port}/health/live`, child);
    return performance.now() - startedAt;
  } finally {
    await stopServer(child);
  }
}

/** Packages (and the count of their files) an app has loaded once it answers. */
async function loadedModules(
  entry: string,
): Promise<{ total: number; packages: Map<string, number> }> {
  const dir = mkdtempSync(join(tmpdir(), 'module-record-'));
  const file = join(dir, 'modules.txt');
  try {
    await start(entry, false, ['--import', join(ROOT, 'test/support/module-recorder.mjs')], {
      MODULE_RECORD_FILE: file,
      DATA_DIR: join(dir, 'data'),
    });
    const urls = [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean))];
    const packages = new Map<string, number>();
    for (const url of urls) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
      if (name) packages.set(name, (packages.get(name) ?? 0) + 1);
    }
    return { total: urls.filter((url) => !url.startsWith('node:')).length, packages };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const pinned = pinSelf();
  const loadBefore = loadAverage();
  const builds: Build[] = [
    ...(BASELINE ? [{ label: `baseline ${BASELINE}`, dir: BASELINE }] : []),
    { label: 'this build (dist/apps)', dir: join(ROOT, 'dist/apps') },
  ];
  const lines: string[] = [];
  for (const build of builds) {
    for (const app of APPS) {
      const entry = join(build.dir, app, 'main.js');
      const { total, packages } = await loadedModules(entry);
      // One embedded store per app and build (ADR 0019): the first start creates it, the others
      // open it, as a restarted app does.
      const dataDir = mkdtempSync(join(tmpdir(), 'startup-data-'));
      const times: number[] = [];
      try {
        for (let i = 0; i < STARTS; i++) {
          times.push(await start(entry, pinned, [], { DATA_DIR: dataDir }));
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
      const files = [...packages.values()].reduce((sum, n) => sum + n, 0);
      lines.push(
        `${build.label} ${app}: start ${median(times).toFixed(0)} ms [${Math.min(...times).toFixed(0)}-${Math.max(...times).toFixed(0)}], ` +
          `${total} modules loaded (${files} files of ${packages.size} packages)`,
        `  of the watched packages: ${WATCHED.map((name) => `${name} ${packages.get(name) ?? '-'}`).join(', ')}`,
      );
    }
  }
  console.log(
    [
      `\nstart-up benchmark: ${machineLine([loadBefore, loadAverage()])}`,
      `spawn → first 200 on /health/live, median of ${STARTS} starts [min-max]` +
        (pinned ? ', app pinned to CPU 0' : ', NOT pinned'),
      ...lines,
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
