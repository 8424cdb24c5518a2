import type { Clock, TimerHandle } from '../shared/clock.js';

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

/**
 * The library's Clock for tests (both halves): time moves only through `advance()`, which fires
 * due timers in order and lets promise chains run in between. `now()` and `monotonic()` read the
 * same time, which starts at 2030-01-01 (a token signed with it is in the future of any real
 * clock, and expires only when the test says so).
 */
export class TestClock implements Clock {
  private current: number;
  private nextId = 1;
  private timers: Timer[] = [];

  constructor(start = Date.UTC(2030, 0, 1)) {
    this.current = start;
  }

  /** Milliseconds since the epoch; bound, so it can be passed around as a function. */
  readonly now = (): number => this.current;

  monotonic(): number {
    return this.current;
  }

  /** Seconds since the epoch, as JWT NumericDate claims use. */
  seconds(): number {
    return Math.floor(this.current / 1000);
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.current + Math.max(0, ms), callback };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Timers not yet fired. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due (including ones scheduled by
   * the callbacks) in time order, settling pending promise callbacks before and after each.
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await flushMicrotasks();
    for (;;) {
      const due = this.timers
        .filter((t) => t.at <= target)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.callback();
      await flushMicrotasks();
    }
    this.current = target;
    await flushMicrotasks();
  }
}

/** Lets already-resolved promise chains run (several rounds of the event loop's check phase). */
export async function flushMicrotasks(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}
