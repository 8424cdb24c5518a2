import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter (token bucket per key)', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 0;
  });

  function spend(limiter: RateLimiter, key: string): number {
    const wait = limiter.waitSeconds(key);
    if (wait === 0) limiter.take(key);
    return wait;
  }

  it('allows a burst of `limit`, then says how long until the next request may pass', () => {
    const limiter = new RateLimiter({ limit: 3, windowSeconds: 60 }, 100, clock);
    expect([1, 2, 3].map(() => spend(limiter, 'a'))).toEqual([0, 0, 0]);
    expect(spend(limiter, 'a')).toBe(20);
    now = 19_000;
    expect(spend(limiter, 'a')).toBe(1);
    now = 20_000;
    expect(spend(limiter, 'a')).toBe(0);
    expect(spend(limiter, 'a')).toBe(20);
  });

  it('keeps keys apart and never refills above the limit', () => {
    const limiter = new RateLimiter({ limit: 2, windowSeconds: 10 }, 100, clock);
    expect([spend(limiter, 'a'), spend(limiter, 'a'), spend(limiter, 'a')]).toEqual([0, 0, 5]);
    expect(spend(limiter, 'b')).toBe(0);
    now = 3_600_000;
    expect([spend(limiter, 'a'), spend(limiter, 'a'), spend(limiter, 'a')]).toEqual([0, 0, 5]);
  });

  it('waitSeconds alone takes nothing', () => {
    const limiter = new RateLimiter({ limit: 1, windowSeconds: 10 }, 100, clock);
    for (let n = 0; n < 5; n += 1) expect(limiter.waitSeconds('a')).toBe(0);
    expect(spend(limiter, 'a')).toBe(0);
    expect(spend(limiter, 'a')).toBe(10);
  });

  it('limit 0 is off', () => {
    const limiter = new RateLimiter({ limit: 0, windowSeconds: 10 }, 100, clock);
    for (let n = 0; n < 1000; n += 1) expect(spend(limiter, 'a')).toBe(0);
  });

  it('holds at most maxKeys keys; a forgotten key starts with a full bucket', () => {
    const limiter = new RateLimiter({ limit: 1, windowSeconds: 60 }, 2, clock);
    spend(limiter, 'a');
    spend(limiter, 'b');
    spend(limiter, 'c');
    expect(spend(limiter, 'a')).toBe(0);
  });
});
