/**
 * Resolves once `condition()` holds, checking after each turn of the event loop (real I/O such
 * as a token response needs turns, not time). Rejects after `maxTurns`, so a test that waits for
 * something that never happens fails instead of spinning.
 */
export async function waitUntil(condition: () => boolean, maxTurns = 20_000): Promise<void> {
  for (let turn = 0; !condition(); turn++) {
    if (turn >= maxTurns) throw new Error(`waitUntil: condition not met after ${maxTurns} turns`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
