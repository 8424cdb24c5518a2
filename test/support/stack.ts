import { createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalKeycloak, type LocalKeycloak } from '@app/keycloak-local';
import { KeycloakAdmin } from '../real-keycloak/keycloak-admin.js';
import type { RealKeycloakTarget } from '../real-keycloak/real-keycloak-target.js';
import { retiredVariablesInUse } from '../../scripts/rename/pair.js';
import { SmtpCatcher } from './smtp-catcher.js';
import { REPO_ROOT, appProcess, freePort, waitFor, type AppProcess } from './processes.js';

export const REALM = 'techstore';

/**
 * The dev-only values of .env.example, overridden by the environment (as compose does). A
 * variable a rename of the pair retired that is still set is refused, naming its successor.
 */
export function devSecrets(env: NodeJS.ProcessEnv = process.env) {
  const retired = retiredVariablesInUse(env);
  if (retired.length > 0) throw new Error(retired.join('\n'));
  const defaults = Object.fromEntries(
    readFileSync(join(REPO_ROOT, '.env.example'), 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  ) as Record<string, string>;
  const pick = (name: string) => env[name] || defaults[name];
  return {
    SHOP_API_CLIENT_SECRET: pick('SHOP_API_CLIENT_SECRET'),
    REPORTING_JOB_CLIENT_SECRET: pick('REPORTING_JOB_CLIENT_SECRET'),
    NOTIFICATION_SERVICE_CLIENT_SECRET: pick('NOTIFICATION_SERVICE_CLIENT_SECRET'),
    DEMO_USER_PASSWORD: pick('DEMO_USER_PASSWORD'),
  };
}

export interface StackOptions {
  /** A real Keycloak (started by the real-keycloak project, or KEYCLOAK_URL's); unset: the local server. */
  real?: RealKeycloakTarget;
  /** Extra environment for both apps (e.g. OTEL_* variables, limits). */
  env?: Record<string, string>;
  /** Extra environment for shop-api only, given Keycloak's URL (e.g. a proxy in front of it). */
  shopApiEnv?: (keycloakUrl: string) => Promise<Record<string, string>>;
  /**
   * False: shop-api's readiness check (which obtains its service token) is not awaited, so the
   * first checkout fetches the token itself. Default true.
   */
  warm?: boolean;
  /**
   * PostgreSQL for both apps (`DATABASE_URL`); unset: each app's embedded store in a fresh
   * temporary DATA_DIR (or `dataDir`).
   */
  databaseUrl?: string;
  dataDir?: string;
  /** Run the apps built in this checkout instead of this one's (the benchmark's baseline). */
  appsRoot?: string;
  /** The realm both apps use (a real Keycloak only); default `techstore`. */
  realm?: string;
  /** shop-api reads its client secret from this file (`KEYCLOAK_CLIENT_SECRET_FILE`). */
  secretFile?: string;
  /** How long the apps may take to answer /health/ready; default 20 s. */
  readyTimeoutMs?: number;
}

/**
 * The whole system on free ports: Keycloak (the local Keycloak-compatible server unless a real
 * one is given), a real SMTP catcher, and both built apps as real processes. As in compose, the
 * apps reach Keycloak by one host name (`http://127.0.0.1:<port>`, the backchannel) while tokens
 * name another in `iss` (`http://localhost:<port>`, the frontend URL).
 */
export class Stack {
  private constructor(
    readonly realm: string,
    readonly keycloakUrl: string,
    readonly issuer: string,
    /** The real Keycloak's admin API (events), when the stack runs against one. */
    private readonly admin: KeycloakAdmin | undefined,
    /** Epoch ms before the apps started: token requests are counted from here. */
    private readonly startedAt: number,
    /** The local server when this stack runs one; undefined against a real Keycloak. */
    public localKeycloak: LocalKeycloak | undefined,
    private readonly localKeycloakRestart: (() => Promise<LocalKeycloak>) | undefined,
    /** The local server's key file (private keys), to sign tokens as the realm would. */
    private readonly keyFile: string | undefined,
    readonly smtp: SmtpCatcher,
    readonly shopApi: AppProcess,
    readonly notificationService: AppProcess,
    readonly secrets: ReturnType<typeof devSecrets>,
    /** Both apps' DATA_DIR; undefined when they keep their state in PostgreSQL. */
    readonly dataDir: string | undefined,
  ) {}

  /**
   * Starts everything, or nothing: when any part fails to start (a process that exits, an app
   * that never gets ready), what was already started is stopped before the error is rethrown,
   * so that a failed `beforeAll` leaves no process or port behind and the run ends with it.
   */
  static async start(options: StackOptions = {}): Promise<Stack> {
    const started: Array<() => Promise<unknown>> = [];
    try {
      return await Stack.startParts(options, started);
    } catch (error) {
      for (const stop of started.reverse()) await stop().catch(() => undefined);
      throw error;
    }
  }

  private static async startParts(
    options: StackOptions,
    started: Array<() => Promise<unknown>>,
  ): Promise<Stack> {
    const secrets = devSecrets();
    const startedAt = Date.now();
    let localKeycloak: LocalKeycloak | undefined;
    let restart: (() => Promise<LocalKeycloak>) | undefined;
    let keyFile: string | undefined;
    let keycloakUrl: string;
    let issuer: string;
    const { real } = options;
    const realm = real ? (options.realm ?? REALM) : REALM;
    if (real) {
      keycloakUrl = real.url;
      issuer = `${real.frontendUrl}/realms/${realm}`;
    } else {
      keyFile = join(mkdtempSync(join(tmpdir(), 'techstore-keys-')), 'keys.json');
      const port = await freePort();
      const launch = () =>
        startLocalKeycloak({
          port,
          keyFile,
          env: secrets,
          frontendUrl: `http://localhost:${port}`,
          log: () => {},
        });
      localKeycloak = await launch();
      restart = launch;
      const server = localKeycloak;
      started.push(() => server.stop());
      keycloakUrl = `http://127.0.0.1:${port}`;
      issuer = localKeycloak.issuer(REALM);
    }
    const smtp = await SmtpCatcher.start();
    started.push(() => smtp.close());
    const [shopPort, notificationPort] = [await freePort(), await freePort()];
    const dataDir = options.databaseUrl
      ? undefined
      : (options.dataDir ?? mkdtempSync(join(tmpdir(), 'techstore-data-')));
    const common = {
      KEYCLOAK_URL: keycloakUrl,
      KEYCLOAK_REALM: realm,
      KEYCLOAK_ISSUER: issuer,
      ...(dataDir ? { DATA_DIR: dataDir } : { DATABASE_URL: options.databaseUrl as string }),
      ...options.env,
    };
    const notificationService = appProcess(
      'notification-service',
      notificationPort,
      { ...common, SMTP_URL: smtp.url },
      options.appsRoot,
    );
    const shopApi = appProcess(
      'shop-api',
      shopPort,
      {
        ...common,
        ...(options.secretFile
          ? { KEYCLOAK_CLIENT_SECRET_FILE: options.secretFile }
          : { KEYCLOAK_CLIENT_SECRET: secrets.SHOP_API_CLIENT_SECRET }),
        NOTIFICATION_SERVICE_URL: notificationService.url,
        ...(await options.shopApiEnv?.(keycloakUrl)),
      },
      options.appsRoot,
    );
    started.push(() => Promise.allSettled([shopApi.stop(), notificationService.stop()]));
    // Both starts settle before this goes on: a start still polling would otherwise outlive the
    // clean-up of a failed one.
    const starts = await Promise.allSettled([notificationService.start(), shopApi.start()]);
    const failed = starts.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const stack = new Stack(
      realm,
      keycloakUrl,
      issuer,
      real ? new KeycloakAdmin(real.url, real.admin) : undefined,
      startedAt,
      localKeycloak,
      restart,
      keyFile,
      smtp,
      shopApi,
      notificationService,
      secrets,
      dataDir,
    );
    await stack.waitUntilReady(
      options.readyTimeoutMs,
      options.warm === false ? ['notification-service'] : undefined,
    );
    return stack;
  }

  get realmUrl(): string {
    return `${this.keycloakUrl}/realms/${this.realm}`;
  }

  /** Both apps (or the named ones) answer /health/ready (Keycloak reachable, keys and a token obtainable). */
  async waitUntilReady(
    timeoutMs = 20_000,
    names: string[] = ['notification-service', 'shop-api'],
  ): Promise<void> {
    const apps = [this.notificationService, this.shopApi].filter((app) => names.includes(app.name));
    for (const app of apps) {
      await waitFor(`${app.name} to be ready`, timeoutMs, async () => {
        const response = await fetch(`${app.url}/health/ready`).catch(() => undefined);
        return response?.ok === true;
      }).catch((error: Error) => {
        throw new Error(`${error.message}; its last output:\n${app.output().slice(-2000)}`);
      });
    }
  }

  /** A customer token for alice through the test-only public client `techstore-e2e`. */
  async customerToken(): Promise<string> {
    return this.token({
      grant_type: 'password',
      client_id: 'techstore-e2e',
      username: 'alice',
      password: this.secrets.DEMO_USER_PASSWORD,
    });
  }

  /** A service-account token of a confidential client (client_secret_basic). */
  async serviceToken(clientId: string, secret: string): Promise<string> {
    const basic = Buffer.from(
      `${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`,
    ).toString('base64');
    return this.token({ grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
  }

  /**
   * Token requests a client made since this stack started, as the Keycloak serving it counted
   * them: the local server's statistics, or real Keycloak's event store (its admin API; events
   * are enabled in the realm file), waited for briefly since events are written after the answer.
   */
  async tokenRequests(clientId: string, atLeast = 1): Promise<number> {
    const { admin, localKeycloak } = this;
    if (!admin) return localKeycloak?.stats.tokenRequestsByClient[clientId] ?? 0;
    let count = 0;
    await waitFor(
      `${atLeast} token request(s) of ${clientId} in the event store`,
      5000,
      async () => {
        count = await admin.tokenRequests(this.realm, clientId, this.startedAt);
        return count >= atLeast;
      },
    ).catch(() => undefined);
    return count;
  }

  /** The local realm's active signing key (local server only), to forge "real" tokens in tests. */
  realmSigningKey(): { kid: string; privateKey: KeyObject } {
    if (!this.keyFile)
      throw new Error('only the local Keycloak-compatible server exposes its keys');
    const content = JSON.parse(readFileSync(this.keyFile, 'utf8')) as {
      realms: Record<string, Array<{ kid: string; use: string } & Record<string, unknown>>>;
    };
    const stored = content.realms[REALM].find((key) => key.use === 'sig');
    if (!stored) throw new Error('no signing key in the key file');
    const { kid, use: _use, alg: _alg, x5c: _x5c, ...jwk } = stored;
    return { kid, privateKey: createPrivateKey({ key: jwk, format: 'jwk' }) };
  }

  async stopKeycloak(): Promise<void> {
    await this.localKeycloak?.stop();
  }

  async restartKeycloak(): Promise<void> {
    if (this.localKeycloakRestart) {
      this.localKeycloak = await this.localKeycloakRestart();
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.shopApi.stop(), this.notificationService.stop()]);
    await Promise.allSettled([this.localKeycloak?.stop(), this.smtp.close()]);
  }

  private async token(form: Record<string, string>, headers: Record<string, string> = {}) {
    const response = await fetch(`${this.realmUrl}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form),
    });
    const body = (await response.json()) as { access_token?: string; error?: string };
    if (!response.ok || !body.access_token) {
      throw new Error(`token request failed: ${response.status} ${body.error ?? ''}`);
    }
    return body.access_token;
  }
}
