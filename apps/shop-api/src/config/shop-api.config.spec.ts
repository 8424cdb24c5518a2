import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EnvConfigError } from '@app/common';
import { loadShopApiConfig } from './shop-api.config.js';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadShopApiConfig(env);
  } catch (error) {
    if (error instanceof EnvConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a EnvConfigError');
}

describe('shop-api configuration', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'shop-api-data-')), 'not-yet');

  it('applies the contract defaults and derives the issuer from URL, auth path and realm', () => {
    const cwd = process.cwd();
    process.chdir(mkdtempSync(join(tmpdir(), 'shop-api-cwd-')));
    let config;
    try {
      config = loadShopApiConfig({ KEYCLOAK_CLIENT_SECRET: 's3cr3t' });
    } finally {
      process.chdir(cwd);
    }
    expect(config).toEqual({
      port: 3000,
      logLevel: 'info',
      keycloak: {
        url: 'http://localhost:8080',
        realm: 'techstore',
        authPath: '',
        issuer: 'http://localhost:8080/realms/techstore',
        realmUrl: 'http://localhost:8080/realms/techstore',
        jwksMaxAgeMs: 30_000,
        clientId: 'shop-api',
        credential: { secret: 's3cr3t' },
      },
      notificationServiceUrl: 'http://localhost:3001',
      checkoutRateLimits: {
        perCustomer: { limit: 10, windowSeconds: 60 },
        total: { limit: 600, windowSeconds: 60 },
      },
      store: { kind: 'embedded', dataDir: expect.stringMatching(/shop-api-cwd-[^/]+\/data$/) },
    });
  });

  it('creates DATA_DIR when missing; DATABASE_URL switches to PostgreSQL', () => {
    expect(loadShopApiConfig({ KEYCLOAK_CLIENT_SECRET: 'x', DATA_DIR: dataDir }).store).toEqual({
      kind: 'embedded',
      dataDir: resolve(dataDir),
    });
    expect(existsSync(dataDir)).toBe(true);
    const databaseUrl = 'postgresql://shop:pw@db.internal:5432/techstore?sslmode=require';
    expect(
      loadShopApiConfig({ KEYCLOAK_CLIENT_SECRET: 'x', DATABASE_URL: databaseUrl }).store,
    ).toEqual({ kind: 'postgres', databaseUrl });
  });

  it('keeps an explicit issuer apart from the URL used to reach Keycloak (docker compose)', () => {
    const config = loadShopApiConfig({
      KEYCLOAK_CLIENT_SECRET: 'x',
      KEYCLOAK_URL: 'http://keycloak:8080/',
      KEYCLOAK_AUTH_PATH: '/auth',
      KEYCLOAK_ISSUER: 'http://localhost:8080/auth/realms/techstore',
    });
    expect(config.keycloak.realmUrl).toBe('http://keycloak:8080/auth/realms/techstore');
    expect(config.keycloak.issuer).toBe('http://localhost:8080/auth/realms/techstore');
  });

  it('accepts a readable secret file instead of a secret', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'shop-api-')), 'secret');
    writeFileSync(file, 'from-file\n');
    expect(loadShopApiConfig({ KEYCLOAK_CLIENT_SECRET_FILE: file }).keycloak.credential).toEqual({
      secretFile: file,
    });
  });

  it.each([
    [
      {},
      'KEYCLOAK_CLIENT_SECRET / KEYCLOAK_CLIENT_SECRET_FILE: exactly one must be set (neither is)',
    ],
    [
      { KEYCLOAK_CLIENT_SECRET: 'a', KEYCLOAK_CLIENT_SECRET_FILE: '/etc/hostname' },
      'KEYCLOAK_CLIENT_SECRET / KEYCLOAK_CLIENT_SECRET_FILE: exactly one must be set (both are)',
    ],
    [
      { KEYCLOAK_CLIENT_SECRET_FILE: '/no/such/file' },
      'KEYCLOAK_CLIENT_SECRET_FILE: the file does not exist or is not readable',
    ],
    [
      { KEYCLOAK_CLIENT_SECRET: 'a', KEYCLOAK_URL: 'keycloak:8080' },
      'KEYCLOAK_URL: must be an absolute http(s) URL, e.g. http://localhost:8080',
    ],
    [{ KEYCLOAK_CLIENT_SECRET: 'a', PORT: '70000' }, 'PORT: must be between 0 and 65535'],
    [
      { KEYCLOAK_CLIENT_SECRET: 'a', KEYCLOAK_JWKS_MAX_AGE_SECONDS: '600' },
      'KEYCLOAK_JWKS_MAX_AGE_SECONDS: must be between 1 and 300 (a deleted key is refused within twice this)',
    ],
    [
      { KEYCLOAK_CLIENT_SECRET: 'a', KEYCLOAK_AUTH_PATH: 'auth' },
      expect.stringMatching(/^KEYCLOAK_AUTH_PATH: /),
    ],
    [
      { KEYCLOAK_CLIENT_SECRET: 'a', KEYCLOAK_REALM: 'tech store' },
      expect.stringMatching(/^KEYCLOAK_REALM: /),
    ],
    [
      { KEYCLOAK_CLIENT_SECRET: 'a', LOG_LEVEL: 'loud' },
      expect.stringMatching(/^LOG_LEVEL: must be one of/),
    ],
    [
      { KEYCLOAK_CLIENT_SECRET: 'a', NOTIFICATION_SERVICE_URL: 'ftp://x' },
      expect.stringMatching(/^NOTIFICATION_SERVICE_URL: /),
    ],
    [
      { KEYCLOAK_CLIENT_SECRET: 'a', CHECKOUT_RATE_LIMIT_PER_CUSTOMER: '-1' },
      'CHECKOUT_RATE_LIMIT_PER_CUSTOMER: must be a whole number, 0 or more (0 switches the limit off)',
    ],
    [
      { KEYCLOAK_CLIENT_SECRET: 'a', CHECKOUT_RATE_LIMIT_TOTAL: 'lots' },
      'CHECKOUT_RATE_LIMIT_TOTAL: must be a whole number, 0 or more (0 switches the limit off)',
    ],
    [
      { KEYCLOAK_CLIENT_SECRET: 'a', CHECKOUT_RATE_LIMIT_WINDOW_SECONDS: '0' },
      'CHECKOUT_RATE_LIMIT_WINDOW_SECONDS: must be a whole number of seconds between 1 and 86400',
    ],
    [
      { KEYCLOAK_CLIENT_SECRET: 'a', OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' },
      'OTEL_EXPORTER_OTLP_ENDPOINT: must be an absolute http(s) URL, e.g. http://localhost:4318',
    ],
    [
      { KEYCLOAK_CLIENT_SECRET: 'a', OTEL_TRACES_EXPORTER: 'jaeger' },
      'OTEL_TRACES_EXPORTER: must be a comma-separated list of otlp, console, none',
    ],
    [
      { KEYCLOAK_CLIENT_SECRET: 'a', OTEL_TRACES_SAMPLER: 'sometimes' },
      expect.stringMatching(/^OTEL_TRACES_SAMPLER: must be one of always_on, /),
    ],
    [
      { KEYCLOAK_CLIENT_SECRET: 'a', OTEL_SDK_DISABLED: 'yes' },
      'OTEL_SDK_DISABLED: must be true or false',
    ],
    [
      { KEYCLOAK_CLIENT_SECRET: 'a', DATABASE_URL: 'mysql://u:p@db/x' },
      'DATABASE_URL: must be a postgres:// or postgresql:// URL, e.g. postgres://user:password@host:5432/db',
    ],
    [
      { KEYCLOAK_CLIENT_SECRET: 'a', DATABASE_URL: 'postgres://' },
      expect.stringMatching(/^DATABASE_URL: must be a postgres:\/\//),
    ],
  ])('rejects %j naming the variable', (env, problem) => {
    expect(problemsOf(env)).toEqual([problem]);
  });

  it('names DATA_DIR when it cannot be created or written', () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'shop-api-file-')), 'a-file');
    writeFileSync(blocker, '');
    expect(problemsOf({ KEYCLOAK_CLIENT_SECRET: 'a', DATA_DIR: join(blocker, 'data') })).toEqual([
      'DATA_DIR: cannot create or write the directory (ENOTDIR)',
    ]);
    if (process.getuid?.() !== 0) {
      const readOnly = mkdtempSync(join(tmpdir(), 'shop-api-ro-'));
      chmodSync(readOnly, 0o500);
      expect(problemsOf({ KEYCLOAK_CLIENT_SECRET: 'a', DATA_DIR: readOnly })).toEqual([
        'DATA_DIR: cannot create or write the directory (EACCES)',
      ]);
    }
  });

  it('never prints the password of a DATABASE_URL', () => {
    const message = (() => {
      try {
        loadShopApiConfig({ DATABASE_URL: 'postgres://shop:hunter2-secret@db:99999/x' });
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/DATABASE_URL/);
    expect(message).not.toContain('hunter2');
  });

  it('lists every problem at once and never echoes a value', () => {
    const secret = 'do-not-print-me';
    let message = '';
    try {
      loadShopApiConfig({ KEYCLOAK_CLIENT_SECRET: secret, KEYCLOAK_ISSUER: secret, PORT: secret });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/KEYCLOAK_ISSUER/);
    expect(message).toMatch(/PORT/);
    expect(message).not.toContain(secret);
  });
});
