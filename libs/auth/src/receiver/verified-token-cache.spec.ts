import type { AcceptedToken } from './claim-policy.js';
import { VerifiedTokenCache } from './verified-token-cache.js';
import { TestClock } from '@app/auth/testing';

const accepted = (reusableUntil: number, tokenId = 'j'): AcceptedToken => ({
  principal: {
    kind: 'service',
    caller: 'shop-api',
    subject: 's',
    roles: [],
    realmRoles: [],
    scopes: [],
    tokenId,
    expiresAt: 0,
  },
  reusableUntil,
});

describe('VerifiedTokenCache', () => {
  const clock = new TestClock();

  it('keys entries by a SHA-256 of the token, never the token itself', () => {
    const key = VerifiedTokenCache.keyOf('header.payload.signature');
    expect(key).toHaveLength(32);
    expect(key).not.toContain('payload');
    expect(VerifiedTokenCache.keyOf('header.payload.signaturE')).not.toBe(key);
  });

  it('serves an entry until, and not at, its reusableUntil', async () => {
    const cache = new VerifiedTokenCache(10, clock);
    cache.set('a', accepted(clock.now() + 1000));
    await clock.advance(999);
    expect(cache.get('a')?.principal.tokenId).toBe('j');
    await clock.advance(1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not store what is already past reuse', () => {
    const cache = new VerifiedTokenCache(10, clock);
    cache.set('a', accepted(clock.now()));
    expect(cache.size).toBe(0);
  });

  it('is bounded, evicting the least recently used entry', () => {
    const cache = new VerifiedTokenCache(2, clock);
    cache.set('a', accepted(clock.now() + 1000, 'a'));
    cache.set('b', accepted(clock.now() + 1000, 'b'));
    cache.get('a');
    cache.set('c', accepted(clock.now() + 1000, 'c'));
    expect(
      [cache.get('a'), cache.get('b'), cache.get('c')].map((e) => e?.principal.tokenId),
    ).toEqual(['a', undefined, 'c']);
  });

  it('can be cleared, and turned off with size 0', () => {
    const cache = new VerifiedTokenCache(2, clock);
    cache.set('a', accepted(clock.now() + 1000));
    cache.clear();
    expect(cache.get('a')).toBeUndefined();
    const off = new VerifiedTokenCache(0, clock);
    off.set('a', accepted(clock.now() + 1000));
    expect(off.get('a')).toBeUndefined();
  });
});
