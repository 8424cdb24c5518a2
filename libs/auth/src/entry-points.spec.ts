// The public surface of each entry point (ADR 0017), name by name, and what loading it pulls in:
// an entry point that needs a package of the other half would load it here and fail.

const ENTRY_POINTS = {
  caller: [
    'InjectServiceToken',
    'InjectServiceTokenHealth',
    'ServiceTokenConfigError',
    'ServiceTokenError',
    'ServiceTokenHealthIndicator',
    'ServiceTokenHttpModule',
    'ServiceTokenModule',
    'ServiceTokenService',
    'TokenEndpointError',
    'attachServiceToken',
    'tokenFingerprint',
  ],
  receiver: [
    'AuthPrincipal',
    'KeycloakAuthConfigError',
    'KeycloakAuthError',
    'KeycloakAuthEvents',
    'KeycloakAuthGuard',
    'KeycloakAuthHealthIndicator',
    'KeycloakAuthModule',
    'Public',
    'ServiceAuth',
    'UserAuth',
  ],
  metrics: ['exportKeycloakAuthMetrics', 'exportServiceTokenMetrics'],
  testing: [
    'JwksTestServer',
    'KeycloakTokenSigner',
    'TestClock',
    'compactJws',
    'createTestSigningKey',
    'keycloakAuthImport',
    'keycloakHeader',
    'keycloakTokenErrors',
    'probe',
    'startFakeTokenEndpoint',
    'startKeycloakAuthTestApp',
    'tokenReply',
    'waitUntil',
  ],
} as const;

/** Packages only the receiver needs, and only the caller needs. */
const RECEIVER_ONLY = ['@nestjs/passport', 'passport', 'passport-jwt', 'jwks-rsa'];
const CALLER_ONLY = ['axios', '@nestjs/axios'];

function load(entry: keyof typeof ENTRY_POINTS, forbidden: string[] = []): string[] {
  let names: string[] = [];
  try {
    jest.isolateModules(() => {
      for (const name of forbidden) {
        jest.doMock(name, () => {
          throw new Error(`@app/auth/${entry} loaded ${name}`);
        });
      }
      names = Object.keys(jest.requireActual<object>(`./${entry}/index.js`));
    });
  } finally {
    for (const name of forbidden) jest.dontMock(name);
  }
  return names.sort();
}

describe('entry points of @app/auth', () => {
  it.each(Object.entries(ENTRY_POINTS))('%s exports exactly its list', (entry, names) => {
    expect(load(entry as keyof typeof ENTRY_POINTS)).toEqual([...names].sort());
  });

  it('the caller loads nothing of the receiver (no Passport, no JWKS client)', () => {
    expect(() => load('caller', RECEIVER_ONLY)).not.toThrow();
  });

  it('the receiver loads nothing of the caller (no axios)', () => {
    expect(() => load('receiver', CALLER_ONLY)).not.toThrow();
  });

  it('the metrics load neither half', () => {
    expect(() => load('metrics', [...RECEIVER_ONLY, ...CALLER_ONLY, 'lru-cache'])).not.toThrow();
  });

  it('a forbidden package would be noticed', () => {
    expect(() => load('receiver', ['jwks-rsa'])).toThrow('@app/auth/receiver loaded jwks-rsa');
  });
});
