import { createHash } from 'node:crypto';

/**
 * A short, stable, non-reversible name for a token or secret: the first 12 hex characters of its
 * SHA-256. Safe to log and to compare ("is this still the token we sent?").
 */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 12);
}
