import { SignJWT } from 'jose';
import { scheduleToken, tokenLifetimeSeconds, type LifetimeRules } from './token-lifetime.js';

const defaults: LifetimeRules = { refreshAheadMs: 60_000, minValidityMs: 10_000, jitterRatio: 0 };
const age = (schedule: ReturnType<typeof scheduleToken>, at: 'refreshAt' | 'usableUntil') =>
  (schedule[at] - 0) / 1000;

describe('scheduleToken (the lifetime rule)', () => {
  it.each([
    // lifetime s, refresh from (age s), hard floor (age s)
    [3600, 3540, 3590],
    [300, 240, 290],
    [60, 30, 54],
    [30, 15, 27],
    [5, 2.5, 4.5],
  ])(
    'a %s s token is refreshed from %s s and never served after %s s',
    (lifetime, refresh, floor) => {
      const schedule = scheduleToken(0, lifetime * 1000, defaults, () => 0.5);
      expect(age(schedule, 'refreshAt')).toBeCloseTo(refresh, 6);
      expect(age(schedule, 'usableUntil')).toBeCloseTo(floor, 6);
      expect(schedule.expiresAt).toBe(lifetime * 1000);
    },
  );

  it('counts from when the request was sent', () => {
    const schedule = scheduleToken(5_000, 300_000, defaults, () => 0.5);
    expect(schedule.refreshAt).toBe(245_000);
  });

  it('jitters the refresh-ahead time by ±jitterRatio, never past the floor', () => {
    const rules = { ...defaults, jitterRatio: 0.1 };
    expect(scheduleToken(0, 300_000, rules, () => 0).refreshAt).toBe(246_000);
    expect(scheduleToken(0, 300_000, rules, () => 1).refreshAt).toBe(234_000);
    const short = scheduleToken(0, 30_000, { ...rules, jitterRatio: 0.99 }, () => 0);
    expect(short.refreshAt).toBeLessThanOrEqual(short.usableUntil);
  });

  it('honours smaller configured values', () => {
    const schedule = scheduleToken(
      0,
      300_000,
      { ...defaults, refreshAheadMs: 20_000, minValidityMs: 5_000 },
      () => 0.5,
    );
    expect(schedule.refreshAt).toBe(280_000);
    expect(schedule.usableUntil).toBe(295_000);
  });
});

describe('tokenLifetimeSeconds', () => {
  const jwt = (lifetime: number) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(1_000)
      .setExpirationTime(1_000 + lifetime)
      .sign(new TextEncoder().encode('x'.repeat(32)));

  it('takes expires_in (number or numeric string)', async () => {
    expect(tokenLifetimeSeconds(300, await jwt(300), 60)).toEqual({
      seconds: 300,
      source: 'expires_in',
    });
    expect(tokenLifetimeSeconds('120', 'opaque', 60)).toEqual({
      seconds: 120,
      source: 'expires_in',
    });
  });

  it('takes the JWT exp − iat when expires_in is missing, zero or longer', async () => {
    expect(tokenLifetimeSeconds(undefined, await jwt(90), 60)).toEqual({
      seconds: 90,
      source: 'jwt',
    });
    expect(tokenLifetimeSeconds(0, await jwt(90), 60)).toEqual({ seconds: 90, source: 'jwt' });
    expect(tokenLifetimeSeconds(3600, await jwt(90), 60)).toEqual({ seconds: 90, source: 'jwt' });
  });

  it('falls back to the default, never to "forever"', () => {
    expect(tokenLifetimeSeconds(undefined, 'opaque', 60)).toEqual({
      seconds: 60,
      source: 'default',
    });
    expect(tokenLifetimeSeconds(-5, 'opaque', 60)).toEqual({ seconds: 60, source: 'default' });
    expect(tokenLifetimeSeconds('soon', 'opaque', 60)).toEqual({ seconds: 60, source: 'default' });
  });
});
