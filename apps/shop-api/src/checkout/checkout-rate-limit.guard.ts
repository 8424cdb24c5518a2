import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import type { AuthenticatedPrincipal } from '@app/auth/receiver';
import { METRICS_REGISTRY, RateLimitGuard, RateLimiter, type AppliedLimit } from '@app/common';
import type { Registry } from 'prom-client';
import type { ShopApiConfig } from '../config/shop-api.config.js';

/**
 * Checkouts per customer (keyed by the token's `sub`, so only after authentication: nobody can
 * spend another customer's allowance) and for all customers together, which protects Keycloak
 * and notification-service behind each checkout. README "Rate limits".
 */
@Injectable()
export class CheckoutRateLimitGuard extends RateLimitGuard {
  private readonly perCustomer: RateLimiter;
  private readonly total: RateLimiter;

  constructor(
    adapterHost: HttpAdapterHost,
    @Inject(METRICS_REGISTRY) registry: Registry,
    config: ConfigService<ShopApiConfig, true>,
  ) {
    super(adapterHost, registry);
    const limits = config.get('checkoutRateLimits', { infer: true });
    this.perCustomer = new RateLimiter(limits.perCustomer);
    this.total = new RateLimiter(limits.total, 1);
  }

  protected limitsFor(request: { user?: AuthenticatedPrincipal }): AppliedLimit[] {
    return [
      {
        limiter: this.perCustomer,
        key: request.user?.subject ?? '',
        name: 'checkouts per customer',
      },
      { limiter: this.total, key: 'all', name: 'checkouts of all customers' },
    ];
  }
}
