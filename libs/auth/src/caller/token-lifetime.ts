import { decodeJwt } from 'jose';

export interface LifetimeRules {
  /** Start refreshing this long before expiry (clamped to `[minValidity, ½·lifetime]`). */
  refreshAheadMs: number;
  /** Never hand out a token with less than this left (capped at 10 % of the lifetime). */
  minValidityMs: number;
  /** ± share of the refresh-ahead time drawn at random per token, so replicas spread out. */
  jitterRatio: number;
}

/** When a token was requested and what that means for serving it (all on the monotonic clock). */
export interface TokenSchedule {
  lifetimeMs: number;
  /** `sentAt + lifetime`: the token's own expiry as far as this process can know. */
  expiresAt: number;
  /** From here on the token is "stale": still served, with one background refresh. */
  refreshAt: number;
  /** The hard floor: from here on the token is never handed out. */
  usableUntil: number;
}

/**
 * The lifetime rule (issue #3, semantics 1). Everything counts from when the request was sent,
 * so network latency is charged to the token:
 *
 *   minValidity  = min(rules.minValidity, 10 % of L)
 *   refreshAhead = clamp(rules.refreshAhead, minValidity, 50 % of L) ± jitter
 *
 * L = 300 s: refresh from 240 s, floor at 290 s. L = 30 s: refresh from 15 s, floor at 27 s.
 */
export function scheduleToken(
  sentAt: number,
  lifetimeMs: number,
  rules: LifetimeRules,
  random: () => number,
): TokenSchedule {
  const minValidity = Math.min(rules.minValidityMs, 0.1 * lifetimeMs);
  const refreshAhead = clamp(rules.refreshAheadMs, minValidity, 0.5 * lifetimeMs);
  const jittered = refreshAhead * (1 + rules.jitterRatio * (2 * random() - 1));
  const expiresAt = sentAt + lifetimeMs;
  return {
    lifetimeMs,
    expiresAt,
    refreshAt: expiresAt - clamp(jittered, minValidity, lifetimeMs),
    usableUntil: expiresAt - minValidity,
  };
}

export type LifetimeSource = 'expires_in' | 'jwt' | 'default';

/**
 * The token's lifetime in seconds: `expires_in`, or the JWT's `exp − iat` when that is shorter
 * or `expires_in` is missing; the default only when neither exists. Never "forever".
 */
export function tokenLifetimeSeconds(
  expiresIn: unknown,
  accessToken: string,
  defaultSeconds: number,
): { seconds: number; source: LifetimeSource } {
  const declared = positiveNumber(expiresIn);
  const fromJwt = jwtLifetimeSeconds(accessToken);
  if (declared !== undefined && (fromJwt === undefined || declared <= fromJwt)) {
    return { seconds: declared, source: 'expires_in' };
  }
  if (fromJwt !== undefined) return { seconds: fromJwt, source: 'jwt' };
  return { seconds: defaultSeconds, source: 'default' };
}

function jwtLifetimeSeconds(token: string): number | undefined {
  try {
    const { exp, iat } = decodeJwt(token);
    return exp !== undefined && iat !== undefined ? positiveNumber(exp - iat) : undefined;
  } catch {
    return undefined;
  }
}

function positiveNumber(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
