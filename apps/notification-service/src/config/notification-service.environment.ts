import { IsOptional, IsUrl, Matches, MinLength } from 'class-validator';
import { BaseEnvironment, IsRateLimit, IsRateLimitWindow } from '@app/common';

/** notification-service's variables on top of the shared ones (contract, "Configuration"). */
export class NotificationServiceEnvironment extends BaseEnvironment {
  override PORT = 3001;

  @Matches(/^[\x21-\x7e]+$/, { message: 'must be a client id (printable ASCII, no spaces)' })
  KEYCLOAK_AUDIENCE = 'notification-service';

  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['smtp', 'smtps'] },
    { message: 'must be an smtp:// or smtps:// URL, e.g. smtp://localhost:1025' },
  )
  SMTP_URL?: string = undefined;

  @MinLength(3, { message: 'must be a sender address, e.g. TechStore <no-reply@techstore.local>' })
  MAIL_FROM = 'TechStore <no-reply@techstore.local>';

  /**
   * Notifications one caller (`azp`, e.g. shop-api) may send per window; 0 switches the limit
   * off. Well above shop-api's own checkout limit, so it only stops a caller gone wrong.
   */
  @IsRateLimit()
  NOTIFICATION_RATE_LIMIT_PER_CALLER = 1200;

  @IsRateLimitWindow()
  NOTIFICATION_RATE_LIMIT_WINDOW_SECONDS = 60;
}
