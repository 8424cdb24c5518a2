import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { AcceptedToken } from './claim-policy.js';

/**
 * Bounded cache of tokens that passed every check, so a caller reusing one token for minutes pays
 * the signature check once. Keyed by the SHA-256 of the token (the token itself is not kept), an
 * entry is never served at or after its `reusableUntil` (≤ `exp`), and `clear()` runs whenever
 * the key set changes. Only accepted tokens are stored: failures are recomputed every time.
 */
export class VerifiedTokenCache {
  private readonly entries?: LRUCache<string, AcceptedToken>;

  constructor(
    maxEntries: number,
    private readonly clock: () => number,
  ) {
    if (maxEntries > 0) this.entries = new LRUCache({ max: maxEntries });
  }

  /** SHA-256 of the token as a 32-character binary (latin1) string (one-shot hash: ~1 µs for a Keycloak token). */
  static keyOf(token: string): string {
    return hash('sha256', token, 'binary');
  }

  get(key: string): AcceptedToken | undefined {
    const entry = this.entries?.get(key);
    if (entry && entry.reusableUntil <= this.clock()) {
      this.entries!.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, accepted: AcceptedToken): void {
    if (accepted.reusableUntil > this.clock()) this.entries?.set(key, accepted);
  }

  clear(): void {
    this.entries?.clear();
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }
}
