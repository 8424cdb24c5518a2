/**
 * A clock tests move by hand, passed as `clock: clock.now` to ServiceAuthModule (and used to
 * stamp test tokens), so expiry, cooldowns and key-set ages are tested without waiting.
 */
export class ManualClock {
  private current: number;

  constructor(start = Date.UTC(2030, 0, 1)) {
    this.current = start;
  }

  /** Milliseconds since the epoch; bound, so it can be passed around. */
  readonly now = (): number => this.current;

  /** Seconds since the epoch, as JWT NumericDate claims use. */
  seconds(): number {
    return Math.floor(this.current / 1000);
  }

  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
}
