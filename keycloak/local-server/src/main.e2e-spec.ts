import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { basicAuth, decodeToken, postForm } from './testing/http-helpers.js';

// The "Done when" scenario: `npm run keycloak:local` (here `npx tsx …/main.ts`, the
// script's command) on a free port, with the dev-only secrets of .env.example.
const ROOT = join(__dirname, '..', '..', '..');
const DEV = parseEnv(readFileSync(join(ROOT, '.env.example'), 'utf8'));
const REALM_VARIABLES = [
  'SHOP_API_CLIENT_SECRET',
  'REPORTING_JOB_CLIENT_SECRET',
  'NOTIFICATION_SERVICE_CLIENT_SECRET',
  'DEMO_USER_PASSWORD',
];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('npm run keycloak:local', () => {
  let child: ChildProcess;
  let port: number;
  let stdout = '';
  let stderr = '';
  let closed: Promise<unknown>;

  beforeAll(async () => {
    port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, KEYCLOAK_LOCAL_PORT: String(port) };
    for (const name of REALM_VARIABLES) delete env[name];
    child = spawn('npx', ['tsx', 'keycloak/local-server/src/main.ts'], {
      cwd: ROOT,
      env,
      detached: true,
    });
    closed = once(child, 'close');
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('\n')) resolve();
      });
      child.once('exit', () => reject(new Error(`keycloak:local exited early: ${stderr}`)));
    });
  }, 60_000);

  afterAll(async () => {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
    await closed;
  });

  const tokenUrl = () => `http://localhost:${port}/realms/techstore/protocol/openid-connect/token`;
  const clientCredentials = (clientId: string, secret: string) =>
    postForm(
      tokenUrl(),
      { grant_type: 'client_credentials' },
      { authorization: basicAuth(clientId, secret) },
    );

  it('prints one ready line with the issuer', () => {
    expect(stdout).toBe(
      `Local Keycloak ready: issuer http://localhost:${port}/realms/techstore (backchannel http://localhost:${port})\n`,
    );
  });

  it('names the variables that fell back to .env.example in one line, never their values', () => {
    const lines = stderr.split('\n').filter((line) => line.includes('dev-only values'));
    expect(lines).toHaveLength(1);
    for (const name of REALM_VARIABLES) {
      expect(lines[0]).toContain(name);
      expect(stderr).not.toContain(DEV[name]);
    }
  });

  it('gives shop-api azp/client_id shop-api, typ Bearer, aud notification-service and notifications:send', async () => {
    const response = await clientCredentials('shop-api', DEV.SHOP_API_CLIENT_SECRET!);
    expect(response.status).toBe(200);
    const { payload } = decodeToken(response.json.access_token);
    expect(payload).toMatchObject({ azp: 'shop-api', client_id: 'shop-api', typ: 'Bearer' });
    expect([payload.aud].flat()).toContain('notification-service');
    expect(payload.resource_access['notification-service'].roles).toContain('notifications:send');
  });

  it('gives reporting-job the audience and not the role', async () => {
    const response = await clientCredentials('reporting-job', DEV.REPORTING_JOB_CLIENT_SECRET!);
    const { payload } = decodeToken(response.json.access_token);
    expect([payload.aud].flat()).toContain('notification-service');
    expect(payload.resource_access?.['notification-service']?.roles ?? []).not.toContain(
      'notifications:send',
    );
  });

  it('answers a wrong secret with 401 unauthorized_client', async () => {
    const response = await clientCredentials('shop-api', 'not-the-secret');
    expect([response.status, response.json.error]).toEqual([401, 'unauthorized_client']);
  });

  it('stops cleanly on SIGTERM and frees the port', async () => {
    process.kill(-child.pid!, 'SIGTERM');
    await closed;
    await expect(fetch(tokenUrl(), { method: 'POST' })).rejects.toThrow();
  });
});
