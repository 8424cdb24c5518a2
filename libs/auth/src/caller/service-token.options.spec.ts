import { generateKeyPairSync } from 'node:crypto';
import { ServiceTokenConfigError, type ServiceTokenOptions } from './index.js';
import { resolveServiceTokenOptions } from './service-token.options.js';

const base: ServiceTokenOptions = {
  realmUrl: 'http://keycloak:8080/realms/techstore',
  clientId: 'shop-api',
  clientSecret: 'options-spec-secret',
};

function problems(options: unknown): string[] {
  try {
    resolveServiceTokenOptions(options as ServiceTokenOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceTokenConfigError);
    return [...(error as ServiceTokenConfigError).problems];
  }
  return [];
}

describe('resolveServiceTokenOptions', () => {
  it('derives the token endpoint from the realm URL, /auth aware, and fills the defaults', () => {
    const resolved = resolveServiceTokenOptions({
      ...base,
      realmUrl: 'http://keycloak:8080/auth/realms/techstore/',
    });
    expect(resolved).toMatchObject({
      tokenEndpoint: 'http://keycloak:8080/auth/realms/techstore/protocol/openid-connect/token',
      authMethod: 'client_secret_basic',
      scope: '',
      refreshAheadMs: 60_000,
      minValidityMs: 10_000,
      waitTimeoutMs: 15_000,
      attemptTimeoutMs: 5_000,
      totalTimeoutMs: 10_000,
      maxAttempts: 3,
      negativeCacheMs: 5_000,
      forcedRefreshIntervalMs: 5_000,
    });
  });

  it('accepts an explicit token endpoint instead', () => {
    const { realmUrl: _, ...rest } = base;
    expect(
      resolveServiceTokenOptions({ ...rest, tokenEndpoint: 'https://idp.example/oauth/token' })
        .tokenEndpoint,
    ).toBe('https://idp.example/oauth/token');
  });

  it('lists every problem at once, naming options but never their values', () => {
    const found = problems({
      realmUrl: 'http://keycloak:8080/techstore',
      clientId: '',
      clientSecret: 'leaky-secret-value',
      clientSecretFile: '/run/secrets/x',
      refreshAheadMs: 5_000,
      minValidityMs: 10_000,
      maxAttempts: 0,
      attemptTimeoutMs: 20_000,
    });
    expect(found).toEqual([
      expect.stringMatching(/^realmUrl: must end in \/realms\/<realm>/),
      'clientId: must be a non-empty string',
      expect.stringMatching(/exactly one must be set \(clientSecret, clientSecretFile are\)/),
      'maxAttempts: must be an integer ≥ 1',
      'minValidityMs: must be less than refreshAheadMs',
      'attemptTimeoutMs: must not exceed totalTimeoutMs',
    ]);
    expect(found.join()).not.toContain('leaky-secret-value');
  });

  it('requires exactly one of realmUrl / tokenEndpoint and one credential', () => {
    expect(problems({ clientId: 'x' })).toEqual([
      'realmUrl / tokenEndpoint: exactly one must be set',
      expect.stringMatching(/exactly one must be set \(none is\)/),
    ]);
    expect(problems({ ...base, tokenEndpoint: 'http://x/token' })).toEqual([
      'realmUrl / tokenEndpoint: exactly one must be set',
    ]);
    expect(problems({ ...base, realmUrl: 'ftp://x/realms/a' })).toEqual([
      expect.stringMatching(/^realmUrl: must be an absolute http\(s\) URL/),
    ]);
  });

  it('pairs private keys with private_key_jwt and secrets with the secret methods', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { clientSecret: _, ...noSecret } = base;
    expect(resolveServiceTokenOptions({ ...noSecret, privateKey }).authMethod).toBe(
      'private_key_jwt',
    );
    expect(resolveServiceTokenOptions({ ...noSecret, privateKey }).credential).toMatchObject({
      kind: 'private-key',
      algorithm: 'RS256',
      audience: 'http://keycloak:8080/realms/techstore/protocol/openid-connect/token',
    });
    expect(problems({ ...noSecret, privateKey, authMethod: 'client_secret_post' })).toEqual([
      'authMethod: a privateKey is only used with private_key_jwt',
    ]);
    expect(problems({ ...base, authMethod: 'private_key_jwt' })).toEqual([
      'authMethod: private_key_jwt needs privateKey instead of a client secret',
    ]);
    expect(
      problems({ ...noSecret, privateKey: 'not a key', privateKeyAlgorithm: 'HS256' }),
    ).toEqual([
      expect.stringMatching(/^privateKeyAlgorithm: must be one of RS256/),
      expect.stringMatching(/^privateKey: must be a PKCS#8 PEM/),
    ]);
  });

  it('normalises scopes: sorted, de-duplicated, space-separated', () => {
    expect(resolveServiceTokenOptions({ ...base, scope: ' profile  email profile ' }).scope).toBe(
      'email profile',
    );
    expect(problems({ ...base, scope: 42 })).toEqual([
      'scope: must be a string or an array of strings',
    ]);
  });
});
