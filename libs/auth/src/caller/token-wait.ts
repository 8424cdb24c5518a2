import type { Clock } from '../shared/clock.js';
import type { CachedToken } from './cached-token.js';
import { TokenWaitAbortedError, TokenWaitTimeoutError } from './service-token.errors.js';

/**
 * One caller's wait for a shared fetch: its own deadline and AbortSignal. Giving up rejects
 * this caller only; the fetch goes on for the others.
 */
export function waitForToken(
  fetch: Promise<CachedToken>,
  clock: Clock,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const settle = () => {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      settle();
      reject(new TokenWaitAbortedError({ cause: signal?.reason }));
    };
    const timer = clock.setTimeout(() => {
      settle();
      reject(new TokenWaitTimeoutError(timeoutMs));
    }, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    fetch.then(
      (token) => {
        settle();
        resolve(token.value);
      },
      (error: Error) => {
        settle();
        reject(error);
      },
    );
  });
}
