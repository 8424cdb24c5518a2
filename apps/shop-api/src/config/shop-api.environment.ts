import { Transform } from 'class-transformer';
import { IsOptional, IsUrl, Matches } from 'class-validator';
import { BaseEnvironment, IsRateLimit, IsRateLimitWindow } from '@app/common';

/** shop-api's variables on top of the shared ones (contract, "Configuration"). */
export class ShopApiEnvironment extends BaseEnvironment {
  override PORT = 3000;

  @Matches(/^[\x21-\x7e]+$/, { message: 'must be a client id (printable ASCII, no spaces)' })
  KEYCLOAK_CLIENT_ID = 'shop-api';

  @IsOptional()
  KEYCLOAK_CLIENT_SECRET?: string = undefined;

  @IsOptional()
  KEYCLOAK_CLIENT_SECRET_FILE?: string = undefined;

  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.replace(/\/+$/, '') : value,
  )
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'must be an absolute http(s) URL, e.g. http://localhost:3001' },
  )
  NOTIFICATION_SERVICE_URL = 'http://localhost:3001';

  /** Checkouts one customer may make per window (token bucket); 0 switches the limit off. */
  @IsRateLimit()
  CHECKOUT_RATE_LIMIT_PER_CUSTOMER = 10;

  /** Checkouts of all customers together per window; 0 switches the limit off. */
  @IsRateLimit()
  CHECKOUT_RATE_LIMIT_TOTAL = 600;

  @IsRateLimitWindow()
  CHECKOUT_RATE_LIMIT_WINDOW_SECONDS = 60;
}
