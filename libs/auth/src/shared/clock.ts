/** Handle returned by `Clock.setTimeout`. */
export type TimerHandle = unknown;

/**
 * The one clock of the library (ADR 0017). Every time-dependent rule of both halves reads it, so
 * tests drive both with one `TestClock` (`@app/auth/testing`).
 *
 * - `now()`: wall-clock time, milliseconds since the Unix epoch. What token claims (`exp`, `iat`,
 *   `nbf`) are compared with; the receiver measures everything on it.
 * - `monotonic()`: milliseconds on a clock that never jumps. What the caller measures token
 *   lifetimes, timeouts and cooldowns on, so a wall-clock step cannot stretch a token's life.
 */
export interface Clock {
  now(): number;
  monotonic(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Resolves after `ms` on `clock`; at once for 0 or less. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
