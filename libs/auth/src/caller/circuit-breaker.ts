import type { ServiceTokenError } from './service-token.errors.js';

export interface CircuitSettings {
  circuitCooldownMs: number;
  circuitMaxCooldownMs: number;
  negativeCacheMs: number;
}

/**
 * Failure memory of one cache key (a rejected promise is never cached; this is). After a failed
 * fetch it opens: for `Retry-After` when the endpoint sent one, else for a cooldown that doubles
 * from `circuitCooldownMs` up to `circuitMaxCooldownMs`; for `negativeCacheMs` after a
 * non-retryable answer (wrong secret, bad scope). A success closes it and resets the cooldown.
 */
export class CircuitBreaker {
  #openUntil = Number.NEGATIVE_INFINITY;
  #cooldownMs: number;
  #lastError?: ServiceTokenError;

  constructor(private readonly settings: CircuitSettings) {
    this.#cooldownMs = settings.circuitCooldownMs;
  }

  get lastError(): ServiceTokenError | undefined {
    return this.#lastError;
  }

  /** Milliseconds until the next attempt is allowed; 0 when closed. */
  remainingMs(now: number): number {
    return Math.max(0, this.#openUntil - now);
  }

  /** Opens the circuit; returns for how long. */
  recordFailure(now: number, error: ServiceTokenError): number {
    const { circuitMaxCooldownMs, negativeCacheMs } = this.settings;
    const retryAfter = (error as { retryAfterMs?: number }).retryAfterMs;
    let openFor: number;
    if (!error.retryable) {
      openFor = negativeCacheMs;
    } else {
      openFor = Math.min(retryAfter ?? this.#cooldownMs, circuitMaxCooldownMs);
      this.#cooldownMs = Math.min(this.#cooldownMs * 2, circuitMaxCooldownMs);
    }
    this.#openUntil = now + openFor;
    this.#lastError = error;
    return openFor;
  }

  /** Closes the circuit; true when it had recorded a failure. */
  recordSuccess(): boolean {
    const wasFailing = this.#lastError !== undefined;
    this.#openUntil = Number.NEGATIVE_INFINITY;
    this.#cooldownMs = this.settings.circuitCooldownMs;
    this.#lastError = undefined;
    return wasFailing;
  }
}
