import { ClaimPolicy } from './claim-policy.js';
import type { InvalidTokenReason } from './keycloak-auth.errors.js';

const ISSUER = 'http://localhost:8080/realms/techstore';
const AUDIENCE = 'notification-service';
const NOW = 1_900_000_000_000;
const T = NOW / 1000;

const policy = new ClaimPolicy({
  issuer: ISSUER,
  audience: AUDIENCE,
  algorithms: ['RS256', 'PS256'],
  clockToleranceMs: 30_000,
  maxTokenAgeMs: 3_600_000,
});

const service = (): Record<string, unknown> => ({
  exp: T + 300,
  iat: T,
  jti: 'trrtcc:1',
  iss: ISSUER,
  aud: AUDIENCE,
  sub: 'sa-user-id',
  typ: 'Bearer',
  azp: 'shop-api',
  realm_access: { roles: ['offline_access'] },
  resource_access: {
    [AUDIENCE]: { roles: ['notifications:send'] },
    account: { roles: ['view-profile'] },
  },
  scope: 'profile email',
  preferred_username: 'service-account-shop-api',
  client_id: 'shop-api',
});
const user = (): Record<string, unknown> => {
  const { client_id: _clientId, ...claims } = service();
  return {
    ...claims,
    azp: 'techstore-web',
    preferred_username: 'alice',
    email: 'alice@example.com',
  };
};
const reasonOf = (claims: Record<string, unknown>, now = NOW): InvalidTokenReason | undefined => {
  try {
    policy.evaluate(claims, now);
    return undefined;
  } catch (error) {
    return (error as { reason: InvalidTokenReason }).reason;
  }
};

describe('ClaimPolicy.checkHeader', () => {
  it.each([{ typ: 'JWT' }, { typ: 'at+jwt' }, { typ: 'application/at+jwt' }, { typ: 'Jwt' }, {}])(
    'accepts %j',
    (extra) =>
      expect(policy.checkHeader({ alg: 'RS256', kid: 'k1', ...extra })).toEqual({
        alg: 'RS256',
        kid: 'k1',
      }),
  );

  it.each<[Record<string, unknown>, InvalidTokenReason]>([
    [{ alg: 'HS256', kid: 'k1' }, 'algorithm_not_allowed'],
    [{ alg: 'ES256', kid: 'k1' }, 'algorithm_not_allowed'],
    [{ alg: 'none', kid: 'k1' }, 'algorithm_not_allowed'],
    [{ alg: ['RS256'], kid: 'k1' }, 'algorithm_not_allowed'],
    [{ kid: 'k1' }, 'algorithm_not_allowed'],
    [{ alg: 'RS256', kid: 'k1', crit: [] }, 'critical_header'],
    [{ alg: 'RS256', kid: 'k1', typ: 'secevent+jwt' }, 'header_type'],
    [{ alg: 'RS256', kid: 'k1', typ: null }, 'header_type'],
    [{ alg: 'RS256' }, 'kid_missing'],
    [{ alg: 'RS256', kid: '' }, 'kid_missing'],
    [{ alg: 'RS256', kid: 7 }, 'kid_missing'],
  ])('refuses %j (%s)', (header, reason) => {
    expect(() => policy.checkHeader(header)).toThrow(expect.objectContaining({ reason }));
  });
});

describe('ClaimPolicy.evaluate', () => {
  it('turns a service-account token into a frozen service principal', () => {
    const { principal, reusableUntil } = policy.evaluate(service(), NOW);
    expect(principal).toEqual({
      kind: 'service',
      caller: 'shop-api',
      subject: 'sa-user-id',
      username: 'service-account-shop-api',
      roles: ['notifications:send'],
      realmRoles: ['offline_access'],
      scopes: ['profile', 'email'],
      tokenId: 'trrtcc:1',
      expiresAt: T + 300,
    });
    expect(Object.isFrozen(principal) && Object.isFrozen(principal.roles)).toBe(true);
    expect(reusableUntil).toBe((T + 300) * 1000);
  });

  it('turns a customer token into a user principal with email', () => {
    expect(
      policy.evaluate({ ...user(), realm_access: { roles: ['customer'] } }, NOW).principal,
    ).toMatchObject({
      kind: 'user',
      caller: 'techstore-web',
      username: 'alice',
      email: 'alice@example.com',
      realmRoles: ['customer'],
    });
  });

  it.each(['bearer', 'BEARER'])(
    'accepts payload typ %s (Keycloak writes "bearer" with token.response.type.bearer.lower-case)',
    (typ) => {
      expect(reasonOf({ ...service(), typ })).toBeUndefined();
    },
  );

  it('accepts aud as an array containing the audience', () => {
    expect(reasonOf({ ...service(), aud: ['account', AUDIENCE] })).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, InvalidTokenReason]>([
    ['an ID token', { typ: 'ID' }, 'token_type'],
    ['a refresh token', { typ: 'Refresh' }, 'token_type'],
    ['typ Bearer with a space', { typ: 'Bearer ' }, 'token_type'],
    ['typ as an array', { typ: ['Bearer'] }, 'token_type'],
    ['another issuer', { iss: `${ISSUER}/` }, 'issuer'],
    ['aud account', { aud: 'account' }, 'audience'],
    ['aud as an object', { aud: { [AUDIENCE]: true } }, 'audience'],
    ['no aud', { aud: undefined }, 'audience'],
    ['exp as a string', { exp: String(T + 300) }, 'exp_invalid'],
    ['exp Infinity', { exp: Number.POSITIVE_INFINITY }, 'exp_invalid'],
    ['no exp', { exp: undefined }, 'exp_invalid'],
    ['nbf as a string', { nbf: String(T) }, 'nbf_invalid'],
    ['no iat', { iat: undefined }, 'iat_invalid'],
    ['iat as a string', { iat: 'NaN' }, 'iat_invalid'],
    ['no azp', { azp: undefined }, 'azp_invalid'],
    ['an empty sub', { sub: '' }, 'sub_invalid'],
    ['no jti', { jti: undefined }, 'jti_invalid'],
    ['client_id other than azp', { client_id: 'reporting-job' }, 'account_kind_ambiguous'],
    [
      'client_id without the service-account username',
      { preferred_username: 'shop-api' },
      'account_kind_ambiguous',
    ],
    ['client_id without any username', { preferred_username: undefined }, 'account_kind_ambiguous'],
    [
      'a service-account username without client_id',
      { client_id: undefined },
      'account_kind_ambiguous',
    ],
  ])('refuses %s', (_case, override, reason) => {
    expect(reasonOf({ ...service(), ...override })).toBe(reason);
  });

  describe('time, with 30 s tolerance and a 3600 s maximum age', () => {
    it.each<[string, Record<string, unknown>, InvalidTokenReason | undefined]>([
      ['exp 29 s ago', { exp: T - 29 }, undefined],
      ['exp 30 s ago', { exp: T - 30 }, 'expired'],
      ['nbf 30 s ahead', { nbf: T + 30 }, undefined],
      ['nbf 31 s ahead', { nbf: T + 31 }, 'not_yet_valid'],
      ['iat 30 s ahead', { iat: T + 30 }, undefined],
      ['iat 31 s ahead', { iat: T + 31 }, 'issued_in_future'],
      ['iat 3630 s ago', { iat: T - 3630 }, undefined],
      ['iat 3631 s ago', { iat: T - 3631 }, 'too_old'],
    ])('%s', (_case, override, reason) => {
      expect(reasonOf({ ...service(), exp: T + 300, ...override })).toBe(reason);
    });

    it('I09 a receiver clock 90 s off shifts results only within the tolerance', () => {
      const token = { ...service(), iat: T, exp: T + 300 };
      expect(reasonOf(token, NOW + 90_000)).toBeUndefined();
      expect(reasonOf(token, NOW + 330_000)).toBe('expired');
      expect(reasonOf(token, NOW - 90_000)).toBe('issued_in_future');
      expect(reasonOf(token, NOW - 30_000)).toBeUndefined();
    });

    it('is never reusable past exp, nor past iat + maximum age', () => {
      expect(
        policy.evaluate({ ...service(), iat: T - 3500, exp: T + 300 }, NOW).reusableUntil,
      ).toBe((T + 100) * 1000);
    });
  });

  it('reads roles defensively: only strings, only own client entries', () => {
    const principal = policy.evaluate(
      {
        ...service(),
        resource_access: { [AUDIENCE]: { roles: ['a', 7, null, 'b'] } },
        realm_access: { roles: 'customer' },
        scope: 7,
      },
      NOW,
    ).principal;
    expect([principal.roles, principal.realmRoles, principal.scopes]).toEqual([['a', 'b'], [], []]);
    const inherited = new ClaimPolicy({
      issuer: ISSUER,
      audience: 'constructor',
      algorithms: ['RS256'],
      clockToleranceMs: 0,
      maxTokenAgeMs: 3_600_000,
    }).evaluate({ ...service(), aud: 'constructor', resource_access: {} }, NOW).principal;
    expect(inherited.roles).toEqual([]);
  });
});
