import { Body, Controller, HttpStatus, Post, Res, UseGuards } from '@nestjs/common';
import { AuthPrincipal, ServiceAuth, type AuthenticatedPrincipal } from '@app/auth/receiver';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CallerRateLimitGuard } from './caller-rate-limit.guard.js';
import { IdempotencyKey } from './idempotency-key.decorator.js';
import { NotificationResultDto } from './notification-result.dto.js';
import { OrderNotificationDto } from './order-notification.dto.js';
import { OrderNotificationService } from './order-notification.service.js';

/** Works on both HTTP adapters: Fastify's reply and Express's response both have status(). */
interface StatusSetter {
  status(code: number): unknown;
}

@ApiTags('notifications')
@Controller('api/notifications')
export class NotificationsController {
  constructor(private readonly notifications: OrderNotificationService) {}

  @Post('order')
  @ServiceAuth({ clients: ['shop-api'], roles: ['notifications:send'] })
  @UseGuards(CallerRateLimitGuard)
  @ApiBearerAuth()
  @ApiUnauthorizedResponse({
    description: 'No token, or an invalid one (WWW-Authenticate: Bearer, error="invalid_token")',
  })
  @ApiForbiddenResponse({
    description: 'Not shop-api, or no notifications:send role (error="insufficient_scope")',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'One email per calling client and key (default: the orderId); 1-128 of A-Z a-z 0-9 . _ : -',
  })
  @ApiCreatedResponse({ type: NotificationResultDto, description: 'The email was sent' })
  @ApiOkResponse({
    type: NotificationResultDto,
    description: 'Already sent for this key (status "duplicate"); nothing was sent again',
  })
  @ApiBadRequestResponse({ description: 'Invalid body or Idempotency-Key; the message names it' })
  @ApiUnprocessableEntityResponse({
    description: 'IDEMPOTENCY_KEY_REUSED: the key was used before with a different body',
  })
  @ApiTooManyRequestsResponse({
    description: 'RATE_LIMITED: too many notifications from this caller; see Retry-After',
  })
  @ApiServiceUnavailableResponse({
    description:
      'MAIL_DELIVERY_FAILED: the mail server failed; NOTIFICATION_IN_PROGRESS: the same key is ' +
      'still being sent. Retry later with the same key',
  })
  async sendOrderEmail(
    @AuthPrincipal() caller: AuthenticatedPrincipal,
    @Body() order: OrderNotificationDto,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: StatusSetter,
  ): Promise<NotificationResultDto> {
    // Keys are scoped by the calling client (azp): two callers cannot collide on a key.
    const result = await this.notifications.notify(
      order,
      caller.caller,
      idempotencyKey ?? order.orderId,
    );
    response.status(result.status === 'sent' ? HttpStatus.CREATED : HttpStatus.OK);
    return result;
  }
}
