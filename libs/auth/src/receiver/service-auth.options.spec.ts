import { ServiceAuthConfigurationError } from './service-auth.errors.js';
import { resolveServiceAuthOptions, type ServiceAuthOptions } from './service-auth.options.js';

const valid: ServiceAuthOptions = {
  issuer: 'http://localhost:8080/realms/techstore',
  audience: 'notification-service',
  realmUrl: 'http://keycloak:8080/realms/techstore',
};

describe('resolveServiceAuthOptions', () => {
  it('applies the documented defaults and derives the JWKS URL from the realm URL, never from the issuer', () => {
    const resolved = resolveServiceAuthOptions(valid);
    expect(resolved).toEqual({
      issuer: valid.issuer,
      audience: 'notification-service',
      jwksUri: 'http://keycloak:8080/realms/techstore/protocol/openid-connect/certs',
      algorithms: ['RS256'],
      clockToleranceSeconds: 30,
      maxTokenAgeSeconds: 3600,
      maxTokenBytes: 8192,
      realm: 'notification-service',
      verifiedTokenCacheSize: 10000,
      jwksTimeoutMs: 5000,
      jwksCacheMaxAgeMs: 600_000,
      jwksCooldownMs: 30_000,
      jwksMaxStaleMs: 3_600_000,
      clock: Date.now,
    });
  });

  it('takes an explicit jwksUri as is', () => {
    const jwksUri = 'http://keycloak-internal/certs';
    expect(resolveServiceAuthOptions({ ...valid, realmUrl: undefined, jwksUri }).jwksUri).toBe(
      jwksUri,
    );
  });

  it('lists every problem in one error', () => {
    const attempt = () =>
      resolveServiceAuthOptions({
        issuer: 'http://localhost:8080/realms/techstore/',
        audience: ' ',
        jwksUri: 'ftp://x',
        realmUrl: 'http://kc/realms/x',
        algorithms: ['HS256', 'none'] as never,
        clockToleranceSeconds: -1,
        maxTokenBytes: Number.NaN,
        jwksTimeoutMs: 0,
        realm: 'a\r\nb',
        clock: 5 as never,
      });
    expect(attempt).toThrow(ServiceAuthConfigurationError);
    try {
      attempt();
    } catch (error) {
      expect((error as ServiceAuthConfigurationError).code).toBe('AUTH_CONFIG_INVALID');
      expect((error as ServiceAuthConfigurationError).problems).toEqual([
        'issuer must not end with "/" (Keycloak writes it without one)',
        'audience is required: the aud value tokens must contain',
        'give jwksUri or realmUrl, not both',
        'algorithms must be a non-empty list of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512',
        'clockToleranceSeconds must be a finite number >= 0',
        'maxTokenBytes must be a finite number >= 256',
        'jwksTimeoutMs must be a finite number >= 1',
        'realm (default: audience) must not contain control characters',
        'clock must be a function returning milliseconds since the epoch',
      ]);
    }
  });

  it.each([
    [{ issuer: 'not a url' }, 'issuer must be an absolute http(s) URL'],
    [{ realmUrl: undefined }, 'jwksUri or realmUrl is required'],
    [
      { realmUrl: 'http://keycloak:8080' },
      'realmUrl must be an http(s) URL ending in /realms/<realm>',
    ],
    [{ algorithms: [] }, 'algorithms must be a non-empty list'],
    [{ realm: '' }, 'realm must be a non-empty string'],
  ])('refuses %j', (override, problem) => {
    expect(() => resolveServiceAuthOptions({ ...valid, ...override })).toThrow(problem);
  });
});
