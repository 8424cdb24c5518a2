import { sleep } from '../shared/clock.js';
import type { ClientAuthentication } from './client-authentication.js';
import { SecretReload } from './secret-reload.js';
import {
  ServiceTokenError,
  TokenEndpointError,
  TokenEndpointUnreachableError,
  TokenResponseInvalidError,
  errorTypeOf,
} from './service-token.errors.js';
import type {
  ServiceTokenEvents,
  TokenRequestOutcome,
  TokenRequestTrigger,
} from './service-token.events.js';
import type { ResolvedServiceTokenOptions } from './service-token.options.js';
import type { CacheEntry } from './token-cache.js';
import type { TokenEndpointClient, TokenGrant } from './token-endpoint-client.js';

/**
 * One fetch of a token: HTTP attempts at the token endpoint, retried while the failure is
 * transient, with full-jitter backoff (`Retry-After` wins when longer), within the attempt
 * timeout and the total deadline (ADR 0004). A `token_request` event per attempt.
 */
export class TokenFetch {
  constructor(
    private readonly options: ResolvedServiceTokenOptions,
    private readonly endpoint: TokenEndpointClient,
    private readonly auth: ClientAuthentication,
    private readonly events: ServiceTokenEvents,
  ) {}

  async run(entry: CacheEntry, trigger: TokenRequestTrigger): Promise<TokenGrant> {
    const { clock, maxAttempts, totalTimeoutMs, attemptTimeoutMs } = this.options;
    const deadline = clock.monotonic() + totalTimeoutMs;
    const secret = new SecretReload(this.auth);
    let budget = maxAttempts;
    for (let attempt = 1; ; attempt++) {
      const startedAt = clock.monotonic();
      try {
        const grant = await this.endpoint.request(
          entry.scope,
          Math.min(attemptTimeoutMs, deadline - startedAt),
        );
        this.attempted(entry, trigger, attempt, startedAt, 'success', grant.status);
        return grant;
      } catch (error) {
        if (!(error instanceof ServiceTokenError)) throw error;
        this.failed(entry, trigger, attempt, startedAt, error);
        const reload = await secret.afterFailure(error);
        if (reload.reloaded) {
          this.events.emitFor(entry, { type: 'secret_reloaded', changed: reload.changed });
          if (reload.changed && deadline - clock.monotonic() > 0) {
            budget += 1;
            continue;
          }
        }
        const remaining = deadline - clock.monotonic();
        if (!error.retryable || attempt >= budget || remaining <= 0) throw error;
        const retryAfter = error instanceof TokenEndpointError ? (error.retryAfterMs ?? 0) : 0;
        const delay = Math.max(this.backoffMs(attempt), retryAfter);
        if (delay >= remaining) throw error;
        await sleep(clock, delay);
      }
    }
  }

  /** Full jitter: random(0, min(backoffMaxMs, backoffBaseMs · 2^(attempt−1))). */
  private backoffMs(attempt: number): number {
    const { backoffBaseMs, backoffMaxMs, random } = this.options;
    return random() * Math.min(backoffMaxMs, backoffBaseMs * 2 ** (attempt - 1));
  }

  private failed(
    entry: CacheEntry,
    trigger: TokenRequestTrigger,
    attempt: number,
    startedAt: number,
    error: ServiceTokenError,
  ): void {
    if (error instanceof TokenEndpointError) {
      this.attempted(entry, trigger, attempt, startedAt, 'error', error.status, errorTypeOf(error));
    } else if (error instanceof TokenEndpointUnreachableError) {
      const outcome = error.reason === 'timeout' ? 'timeout' : 'error';
      this.attempted(entry, trigger, attempt, startedAt, outcome, undefined, error.errorType);
    } else if (error instanceof TokenResponseInvalidError) {
      this.attempted(entry, trigger, attempt, startedAt, 'error', 200, error.code);
    }
  }

  private attempted(
    entry: CacheEntry,
    trigger: TokenRequestTrigger,
    attempt: number,
    startedAt: number,
    outcome: TokenRequestOutcome,
    status?: number,
    errorType?: string,
  ): void {
    this.events.emitFor(entry, {
      type: 'token_request',
      trigger,
      outcome,
      attempt,
      durationMs: this.options.clock.monotonic() - startedAt,
      ...(status !== undefined ? { status } : {}),
      ...(errorType !== undefined ? { errorType } : {}),
    });
  }
}
