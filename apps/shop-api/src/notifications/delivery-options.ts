export interface DeliveryOptions {
  /** Budget of the attempt made while the customer waits for the checkout response. */
  firstAttemptTimeoutMs: number;
  /** Budget of each attempt the relay makes. */
  retryAttemptTimeoutMs: number;
  /**
   * A claim lasts the attempt's budget plus this margin; a replica that dies mid-attempt
   * leaves the row to the others once it has passed.
   */
  claimMarginMs: number;
  /** Backoff: base · 2^(attempt−1), capped, with jitter in [½, 1]. */
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** After this long without success the notification is marked `failed`. */
  giveUpAfterMs: number;
  /** How often the relay looks for due rows (jittered ±20 %), when there was nothing to do. */
  pollIntervalMs: number;
  /** Deliveries one replica's relay runs at once. */
  maxInFlight: number;
  /** On shutdown, attempts in flight get this long to finish; then they are aborted and released. */
  shutdownGraceMs: number;
}

export const DELIVERY_OPTIONS = Symbol('DELIVERY_OPTIONS');

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  firstAttemptTimeoutMs: 2_000,
  retryAttemptTimeoutMs: 10_000,
  claimMarginMs: 5_000,
  retryBaseDelayMs: 1_000,
  retryMaxDelayMs: 30_000,
  giveUpAfterMs: 60 * 60_000,
  pollIntervalMs: 1_000,
  maxInFlight: 16,
  shutdownGraceMs: 5_000,
};
