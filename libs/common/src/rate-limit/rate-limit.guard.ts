import type { CanActivate, ExecutionContext } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { Counter, type Registry } from 'prom-client';
import { RateLimitedError } from './rate-limited.error.js';
import type { RateLimiter } from './rate-limiter.js';

/** One limit that applies to a request: the limiter, the key within it, and its name. */
export interface AppliedLimit {
  limiter: RateLimiter;
  key: string;
  /** Names the limit in the 429 message and the metric label, e.g. "checkouts per customer". */
  name: string;
}

/**
 * Base of the route guards that rate-limit (applied with `@UseGuards`, so they run after the
 * global auth guard and may key by the authenticated principal). A request passes only if every
 * limit it falls under has room, and only then is it counted against all of them; otherwise
 * 429 with `Retry-After` (the longest wait) and a stable code. Subclasses are the injectables:
 * they declare their own constructor and pass the adapter host and the metrics registry on.
 */
export abstract class RateLimitGuard implements CanActivate {
  private readonly refused: Counter<'limit'>;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    registry: Registry,
  ) {
    const existing = registry.getSingleMetric('http_rate_limited_total');
    this.refused =
      (existing as Counter<'limit'> | undefined) ??
      new Counter({
        name: 'http_rate_limited_total',
        help: 'Requests refused with 429, by the limit they reached',
        labelNames: ['limit'],
        registers: [registry],
      });
  }

  /** The limits this request falls under. */
  protected abstract limitsFor(request: { user?: unknown }): AppliedLimit[];

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ user?: unknown }>();
    const limits = this.limitsFor(request);
    let reached: { limit: AppliedLimit; wait: number } | undefined;
    for (const limit of limits) {
      const wait = limit.limiter.waitSeconds(limit.key);
      if (wait > (reached?.wait ?? 0)) reached = { limit, wait };
    }
    if (reached) {
      this.refused.inc({ limit: reached.limit.name });
      const response: unknown = context.switchToHttp().getResponse();
      this.adapterHost.httpAdapter.setHeader(response, 'Retry-After', String(reached.wait));
      throw new RateLimitedError(reached.limit.name, reached.wait);
    }
    for (const limit of limits) limit.limiter.take(limit.key);
    return true;
  }
}
