/**
 * One consumer app, as a reader of docs/adapting.md makes it: `nest new` outside this
 * repository, `libs/auth` copied and its packages installed by the documented commands (run as
 * written), the app's module from fixture/ (the wiring the same document shows), built by the
 * app's own build, then run as a real process against the local Keycloak-compatible server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalKeycloak, type LocalKeycloak } from '@app/keycloak-local';
import { REPO_ROOT, freePort, waitFor } from '../support/processes.js';
import { devSecrets, REALM } from '../support/stack.js';
import {
  APP_NAME,
  docBlocks,
  expectSuccess,
  installedPackages,
  runBlock,
  withDocumentedMapper,
  type AppKind,
} from './consumer-app.js';

const FIXTURE = join(__dirname, 'fixture');
const LIB = join(REPO_ROOT, 'libs', 'auth', 'src');

export function consumerAppSuite(kind: AppKind): void {
  const blocks = docBlocks();
  const block = (name: string) => {
    const commands = blocks.get(name);
    if (!commands) throw new Error(`docs/adapting.md has no block marked "consumer-app: ${name}"`);
    return commands;
  };
  const secrets = devSecrets();
  let work: string;
  let app: string;
  let keycloak: LocalKeycloak;
  let observeSink: Server;
  let child: ChildProcess | undefined;
  let output = '';
  let url: string;

  const step = async (name: string) =>
    expectSuccess(name, await runBlock(block(name), app, { LIB }));

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), `consumer-app-${kind}-`));
    const keyDir = join(work, 'keys');
    mkdirSync(keyDir);
    keycloak = await startLocalKeycloak({
      port: await freePort(),
      keyFile: join(keyDir, 'keys.json'),
      env: secrets,
      log: () => {},
    });
    // @nestjs/observe exports to OBSERVE_ENDPOINT: here, a sink that accepts everything.
    observeSink = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(204).end());
    });
    observeSink.listen(0, '127.0.0.1');
    await once(observeSink, 'listening');
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await keycloak?.stop();
    observeSink?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it(`nest new makes the app (docs: "new ${kind}")`, async () => {
    expectSuccess(`new ${kind}`, await runBlock(block(`new ${kind}`), work, {}));
    app = join(work, APP_NAME);
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as {
      type?: string;
    };
    expect(manifest.type).toBe(kind === 'esm' ? 'module' : undefined);
    // nest new turns @nestjs/observe's instrumentation on; it stays on for the whole check.
    expect(readFileSync(join(app, 'src', 'main.ts'), 'utf8')).toContain(
      'instrument: ObserveInstrument',
    );
  });

  it('the receiver half builds from its documented copy and install commands alone', async () => {
    await step('copy receiver');
    await step('install receiver');
    cpSync(join(FIXTURE, 'receiver', 'src'), join(app, 'src'), { recursive: true });
    await step('build');
  });

  it('the caller half builds once its documented commands have run too', async () => {
    await step('copy caller');
    await step('install caller');
    cpSync(join(FIXTURE, 'caller', 'src'), join(app, 'src'), { recursive: true });
    await step('build');
  });

  it(`the app's own ${kind === 'esm' ? 'Vitest' : 'Jest'} runs a spec using the copied testing/ helpers`, async () => {
    await step('copy testing');
    if (kind === 'cjs') {
      const config = join(app, 'jest.config.ts');
      writeFileSync(
        config,
        withDocumentedMapper(readFileSync(config, 'utf8'), block('jest moduleNameMapper')),
      );
    }
    cpSync(join(FIXTURE, 'testing', 'src'), join(app, 'src'), { recursive: true });
    const result = await runBlock(block('test'), app, {});
    expectSuccess('test', result);
    expect(result.output).toMatch(/notifications\.controller\.spec\.ts/);
  });

  it('the app holds exactly the documented versions of the packages it was told to install', () => {
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    const declared = { ...manifest.dependencies, ...manifest.devDependencies };
    const documented = installedPackages(
      ['install receiver', 'install caller', 'copy testing'].map(block).join('\n'),
    );
    expect(documented.length).toBeGreaterThan(0);
    for (const { name, version } of documented) {
      expect({ name, version: declared[name] }).toEqual({ name, version });
    }
  });

  describe('running, against the local Keycloak-compatible server', () => {
    beforeAll(async () => {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      const { port: sinkPort } = observeSink.address() as { port: number };
      child = spawn(process.execPath, [join('dist', 'main.js')], {
        cwd: app,
        env: {
          PATH: process.env.PATH,
          PORT: String(port),
          KEYCLOAK_ISSUER: keycloak.issuer(REALM),
          KEYCLOAK_REALM_URL: keycloak.issuer(REALM),
          CALLER_CLIENT_SECRET: secrets.SHOP_API_CLIENT_SECRET,
          RECEIVER_URL: url,
          OBSERVE_ENDPOINT: `http://127.0.0.1:${sinkPort}`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const started = child;
      started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await waitFor('the consumer app to listen', 30_000, async () => {
        if (started.exitCode !== null) {
          throw new Error(`the app exited with ${started.exitCode}:\n${output.slice(-3000)}`);
        }
        const response = await fetch(`${url}/notify`, { method: 'POST' }).catch(() => undefined);
        return response !== undefined;
      });
    });

    async function serviceToken(clientId: string, secret: string): Promise<string> {
      const response = await fetch(`${keycloak.issuer(REALM)}/protocol/openid-connect/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
      });
      const body = (await response.json()) as { access_token?: string };
      if (!body.access_token) throw new Error(`no token for ${clientId}: ${response.status}`);
      return body.access_token;
    }

    /** POST to the receiver; a request that gets no answer within 5 s fails (the Observe hang). */
    async function notify(path: string, token?: string) {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(5_000),
      });
      return {
        status: response.status,
        challenge: response.headers.get('www-authenticate'),
        body: (await response.json()) as Record<string, unknown>,
      };
    }

    it('401 without a token, with an RFC 6750 challenge', async () => {
      const answer = await notify('/notify');
      expect(answer.status).toBe(401);
      expect(answer.challenge).toMatch(/^Bearer /);
    });

    it('403 for a service that is not an allowed caller', async () => {
      const token = await serviceToken('reporting-job', secrets.REPORTING_JOB_CLIENT_SECRET);
      const answer = await notify('/notify', token);
      expect(answer.status).toBe(403);
      expect(answer.challenge).toMatch(/error="insufficient_scope"/);
    });

    it('403 for an allowed caller whose token lacks the role', async () => {
      const token = await serviceToken('reporting-job', secrets.REPORTING_JOB_CLIENT_SECRET);
      const answer = await notify('/notify/any-caller', token);
      expect(answer.status).toBe(403);
      expect(answer.challenge).toMatch(/error="insufficient_scope"/);
    });

    it('201 for the allowed caller with the role, and for several new tokens in a row', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const token = await serviceToken('shop-api', secrets.SHOP_API_CLIENT_SECRET);
        const answer = await notify('/notify', token);
        expect(answer.body).toEqual({ caller: 'shop-api' });
        statuses.push(answer.status);
      }
      expect(statuses).toEqual([201, 201, 201, 201]);
    });

    it('the caller half calls the receiver with its own service token', async () => {
      const before = keycloak.stats.tokenRequestsByClient['shop-api'] ?? 0;
      const response = await fetch(`${url}/call`, {
        method: 'POST',
        signal: AbortSignal.timeout(10_000),
      });
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ status: 201, caller: 'shop-api' });
      expect(keycloak.stats.tokenRequestsByClient['shop-api']).toBe(before + 1);
    });

    it('logs no token and no secret', () => {
      expect(output).not.toContain(secrets.SHOP_API_CLIENT_SECRET);
      expect(output).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    });
  });
}
