import { systemClock } from '../shared/clock.js';
import { KeycloakAuthConfigError } from './keycloak-auth.errors.js';
import { resolveKeycloakAuthOptions, type KeycloakAuthOptions } from './keycloak-auth.options.js';

const valid: KeycloakAuthOptions = {
  issuer: 'http://localhost:8080/realms/techstore',
  audience: 'notification-service',
  realmUrl: 'http://keycloak:8080/realms/techstore',
};

describe('resolveKeycloakAuthOptions', () => {
  it('applies the documented defaults and derives the JWKS URL from the realm URL, never from the issuer', () => {
    const resolved = resolveKeycloakAuthOptions(valid);
    expect(resolved).toEqual({
      issuer: valid.issuer,
      audience: 'notification-service',
      jwksUri: 'http://keycloak:8080/realms/techstore/protocol/openid-connect/certs',
      algorithms: ['RS256'],
      clockToleranceMs: 30_000,
      maxTokenAgeMs: 3_600_000,
      maxTokenBytes: 8192,
      realm: 'notification-service',
      maxCachedTokens: 10_000,
      jwksTimeoutMs: 5000,
      jwksMaxAgeMs: 30_000,
      jwksCooldownMs: 30_000,
      jwksMaxStaleMs: 3_600_000,
      clock: systemClock,
    });
  });

  it('takes an explicit jwksUri as is', () => {
    const jwksUri = 'http://keycloak-internal/certs';
    expect(resolveKeycloakAuthOptions({ ...valid, realmUrl: undefined, jwksUri }).jwksUri).toBe(
      jwksUri,
    );
  });

  it('lists every problem in one error', () => {
    const attempt = () =>
      resolveKeycloakAuthOptions({
        issuer: 'http://localhost:8080/realms/techstore/',
        audience: ' ',
        jwksUri: 'ftp://x',
        realmUrl: 'http://kc/realms/x',
        algorithms: ['HS256', 'none'] as never,
        clockToleranceMs: -1,
        maxTokenBytes: Number.NaN,
        jwksTimeoutMs: 0,
        realm: 'a\r\nb',
        clock: 5 as never,
      });
    expect(attempt).toThrow(KeycloakAuthConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as KeycloakAuthConfigError).code).toBe('AUTH_CONFIG_INVALID');
      expect((error as KeycloakAuthConfigError).problems).toEqual([
        'issuer: must not end with "/" (Keycloak writes it without one)',
        'audience: must be a non-empty string, the aud value tokens must contain',
        'realmUrl / jwksUri: exactly one must be set',
        'algorithms: must be a non-empty list of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512',
        'clockToleranceMs: must be a finite number ≥ 0',
        'maxTokenBytes: must be a finite number ≥ 256',
        'jwksTimeoutMs: must be a finite number ≥ 1',
        'realm: must not contain control characters (default: audience)',
        'clock: must be a Clock (now, monotonic, setTimeout, clearTimeout)',
      ]);
    }
  });

  it.each([
    [{ issuer: 'not a url' }, 'issuer: must be an absolute http(s) URL'],
    [{ realmUrl: undefined }, 'realmUrl / jwksUri: exactly one must be set'],
    [{ realmUrl: 'http://keycloak:8080' }, 'realmUrl: must end in /realms/<realm>'],
    [{ realmUrl: 'ftp://keycloak/realms/x' }, 'realmUrl: must be an absolute http(s) URL'],
    [{ algorithms: [] }, 'algorithms: must be a non-empty list'],
    [{ realm: '' }, 'realm: must be a non-empty string'],
    [{ maxCachedTokens: 1.5 }, 'maxCachedTokens: must be an integer ≥ 0'],
  ])('refuses %j', (override, problem) => {
    expect(() => resolveKeycloakAuthOptions({ ...valid, ...override })).toThrow(problem);
  });
});
