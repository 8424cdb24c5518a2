import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import type { AuthenticatedPrincipal } from '@app/auth/receiver';
import { METRICS_REGISTRY, RateLimitGuard, RateLimiter, type AppliedLimit } from '@app/common';
import { Registry } from 'prom-client';
import type { NotificationServiceConfig } from '../config/notification-service.config.js';

/**
 * Notifications per caller (`azp` of its verified token, so only after authentication): a
 * separate, higher limit than shop-api's checkout limits, which already pace its one caller.
 */
@Injectable()
export class CallerRateLimitGuard extends RateLimitGuard {
  private readonly perCaller: RateLimiter;

  constructor(
    adapterHost: HttpAdapterHost,
    config: ConfigService<NotificationServiceConfig, true>,
    // Optional: the feature's module spec mounts it without the app's MetricsModule.
    @Optional() @Inject(METRICS_REGISTRY) registry?: Registry,
  ) {
    super(adapterHost, registry ?? new Registry());
    this.perCaller = new RateLimiter(config.get('callerRateLimit', { infer: true }), 1_000);
  }

  protected limitsFor(request: { user?: AuthenticatedPrincipal }): AppliedLimit[] {
    return [
      {
        limiter: this.perCaller,
        key: request.user?.caller ?? '',
        name: 'notifications per caller',
      },
    ];
  }
}
