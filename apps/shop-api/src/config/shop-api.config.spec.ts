import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError } from '@app/common';
import { loadShopApiConfig } from './shop-api.config.js';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadShopApiConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('shop-api configuration', () => {
  it('applies the contract defaults and derives the issuer from URL, auth path and realm', () => {
    const config = loadShopApiConfig({ KEYCLOAK_CLIENT_SECRET: 's3cr3t' });
    expect(config).toEqual({
      port: 3000,
      logLevel: 'info',
      keycloak: {
        url: 'http://localhost:8080',
        realm: 'techstore',
        authPath: '',
        issuer: 'http://localhost:8080/realms/techstore',
        realmUrl: 'http://localhost:8080/realms/techstore',
        clientId: 'shop-api',
        credential: { secret: 's3cr3t' },
      },
      notificationServiceUrl: 'http://localhost:3001',
      checkoutRateLimits: {
        perCustomer: { limit: 10, windowSeconds: 60 },
        total: { limit: 600, windowSeconds: 60 },
      },
    });
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
  ])('rejects %j naming the variable', (env, problem) => {
    expect(problemsOf(env)).toEqual([problem]);
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
