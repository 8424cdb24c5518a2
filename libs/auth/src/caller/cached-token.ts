import { inspect } from 'node:util';
import type { TokenSchedule } from './token-lifetime.js';
import { tokenFingerprint } from './token-fingerprint.js';

/** A token in the cache. Prints as its fingerprint, never as its value (redaction by construction). */
export class CachedToken {
  readonly fingerprint: string;
  readonly #value: string;

  constructor(
    value: string,
    readonly schedule: TokenSchedule,
  ) {
    this.#value = value;
    this.fingerprint = tokenFingerprint(value);
  }

  get value(): string {
    return this.#value;
  }

  toString(): string {
    return `ServiceToken(fp=${this.fingerprint}, lifetime=${Math.round(this.schedule.lifetimeMs / 1000)}s)`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
