/** Handle returned by `ServiceTokenClock.setTimeout`. */
export type TimerHandle = unknown;

/**
 * Monotonic time and timers. Every time-dependent rule of the caller goes through this, so
 * tests drive it with a fake clock (`FakeClock` from `@app/auth/testing`).
 */
export interface ServiceTokenClock {
  /** Milliseconds on a monotonic clock (not wall-clock time). */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: ServiceTokenClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Resolves after `ms` on `clock`; at once for 0 or less. */
export function sleep(clock: ServiceTokenClock, ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
