import type { AuthenticatedPrincipal } from './authenticated-principal.js';
import { authorize, holdsRole, type AccessPolicy } from './access-policy.js';
import { ServiceAuth } from './service-auth.decorator.js';
import { UserAuth } from './user-auth.decorator.js';

const principal = (overrides: Partial<AuthenticatedPrincipal> = {}): AuthenticatedPrincipal => ({
  kind: 'service',
  caller: 'shop-api',
  subject: 's',
  roles: ['notifications:send', 'audit'],
  realmRoles: ['customer'],
  scopes: ['notifications:send-scope'],
  tokenId: 'j',
  expiresAt: 1,
  ...overrides,
});
const reasonOf = (p: AuthenticatedPrincipal, policy: AccessPolicy) => {
  try {
    authorize(p, policy);
    return 'allowed';
  } catch (error) {
    return (error as { reason: string }).reason;
  }
};

describe('authorize', () => {
  it.each<[string, Partial<AuthenticatedPrincipal>, AccessPolicy, string]>([
    ['any service account', {}, { kind: 'service' }, 'allowed'],
    [
      'an allowed caller with every role',
      {},
      { kind: 'service', clients: ['shop-api'], roles: ['notifications:send', 'audit'] },
      'allowed',
    ],
    [
      'a caller outside clients',
      { caller: 'reporting-job' },
      { kind: 'service', clients: ['shop-api'] },
      'caller_not_allowed',
    ],
    [
      'one of two roles missing',
      {},
      { kind: 'service', roles: ['notifications:send', 'admin'] },
      'role_missing',
    ],
    [
      'a realm role named with realm:',
      {},
      { kind: 'service', roles: ['realm:customer'] },
      'allowed',
    ],
    [
      'a client role asked as a realm role',
      {},
      { kind: 'service', roles: ['realm:audit'] },
      'role_missing',
    ],
    [
      'a realm role asked as a client role',
      {},
      { kind: 'service', roles: ['customer'] },
      'role_missing',
    ],
    ['a user on a service route', { kind: 'user' }, { kind: 'service' }, 'not_service_account'],
    ['a service account on a user route', {}, { kind: 'user' }, 'not_user'],
    [
      'a customer',
      { kind: 'user', caller: 'techstore-web' },
      { kind: 'user', roles: ['realm:customer'] },
      'allowed',
    ],
    ['a public route', { kind: 'user' }, { kind: 'public' }, 'allowed'],
  ])('%s → %s', (_case, overrides, policy, expected) => {
    expect(reasonOf(principal(overrides), policy)).toBe(expected);
  });

  it('matches role names exactly', () => {
    expect(holdsRole(principal(), 'notifications:send')).toBe(true);
    expect(holdsRole(principal(), 'Notifications:send')).toBe(false);
    expect(holdsRole(principal(), 'notifications')).toBe(false);
    expect(holdsRole(principal(), 'realm:')).toBe(false);
  });
});

describe('decorator arguments', () => {
  it.each([
    () => ServiceAuth({ roles: 'notifications:send' as never }),
    () => ServiceAuth({ clients: [''] }),
    () => ServiceAuth({ clients: [7 as never] }),
    () => UserAuth({ roles: [' '] }),
  ])('are checked when the class is defined (%#)', (decorate) => {
    expect(decorate).toThrow(TypeError);
  });
});
