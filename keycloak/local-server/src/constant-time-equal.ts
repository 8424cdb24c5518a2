import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares a presented secret with the expected one in constant time (hashes equalise lengths). */
export function constantTimeEqual(given: string, expected: string | undefined): boolean {
  return (
    expected !== undefined &&
    timingSafeEqual(
      createHash('sha256').update(given).digest(),
      createHash('sha256').update(expected).digest(),
    )
  );
}
