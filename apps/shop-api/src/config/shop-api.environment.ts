import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsUrl, Matches, Max, Min } from 'class-validator';
import { BaseEnvironment } from '@app/common';

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
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number, 0 or more (0 switches the limit off)' })
  @Min(0, { message: 'must be a whole number, 0 or more (0 switches the limit off)' })
  CHECKOUT_RATE_LIMIT_PER_CUSTOMER = 10;

  /** Checkouts of all customers together per window; 0 switches the limit off. */
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number, 0 or more (0 switches the limit off)' })
  @Min(0, { message: 'must be a whole number, 0 or more (0 switches the limit off)' })
  CHECKOUT_RATE_LIMIT_TOTAL = 600;

  @Type(() => Number)
  @IsInt({ message: 'must be a whole number of seconds between 1 and 86400' })
  @Min(1, { message: 'must be a whole number of seconds between 1 and 86400' })
  @Max(86_400, { message: 'must be a whole number of seconds between 1 and 86400' })
  CHECKOUT_RATE_LIMIT_WINDOW_SECONDS = 60;
}
