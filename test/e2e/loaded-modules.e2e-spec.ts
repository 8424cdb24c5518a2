import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertFreshBuild } from '../support/fresh-build.js';
import { REPO_ROOT, freePort, waitFor } from '../support/processes.js';

// What each built app loads by the time it serves (ADR 0017), recorded by Node's module hooks
// in the real process: notification-service receives only, so nothing of the caller half;
// shop-api calls notification-service with its own token (the caller half) and authenticates
// its customers' tokens (the receiver half), so both.

const CALLER = ['axios', '@nestjs/axios'];
const RECEIVER = ['@nestjs/passport', 'passport', 'passport-jwt', 'jwks-rsa', 'jsonwebtoken'];

async function packagesLoaded(app: 'shop-api' | 'notification-service'): Promise<Set<string>> {
  assertFreshBuild(REPO_ROOT, app);
  const dir = mkdtempSync(join(tmpdir(), 'loaded-modules-'));
  const record = join(dir, 'modules.txt');
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      '--import',
      join(REPO_ROOT, 'test/support/module-recorder.mjs'),
      join(REPO_ROOT, 'dist/apps', app, 'main.js'),
    ],
    {
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        KEYCLOAK_URL: 'http://127.0.0.1:9',
        KEYCLOAK_CLIENT_SECRET: 'loaded-modules-secret',
        LOG_LEVEL: 'warn',
        MODULE_RECORD_FILE: record,
        DATA_DIR: join(dir, 'data'),
      },
      stdio: 'ignore',
    },
  );
  try {
    await waitFor(`${app} to answer`, 20_000, async () => {
      if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode}`);
      return (
        (await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => undefined))?.ok ?? false
      );
    });
    const packages = readFileSync(record, 'utf8')
      .split('\n')
      .map((url) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1])
      .filter((name): name is string => name !== undefined);
    return new Set(packages);
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('modules the built apps load', () => {
  it('notification-service loads the receiver half and nothing of the caller half', async () => {
    const loaded = await packagesLoaded('notification-service');
    expect(RECEIVER.filter((name) => !loaded.has(name))).toEqual([]);
    expect(CALLER.filter((name) => loaded.has(name))).toEqual([]);
  });

  it('shop-api loads both: the caller for its own token, the receiver for customer tokens', async () => {
    const loaded = await packagesLoaded('shop-api');
    expect([...CALLER, ...RECEIVER].filter((name) => !loaded.has(name))).toEqual([]);
  });
});
