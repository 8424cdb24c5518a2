import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { AuthPrincipal, UserAuth, type AuthenticatedPrincipal } from '@app/auth/receiver';
import { orderView } from '../orders/order.js';
import { CheckoutRateLimitGuard } from './checkout-rate-limit.guard.js';
import { CheckoutService } from './checkout.service.js';
import { CheckoutDto } from './dto/checkout.dto.js';

@ApiTags('checkout')
@ApiBearerAuth()
@Controller('api/checkout')
export class CheckoutController {
  constructor(private readonly checkoutService: CheckoutService) {}

  /** A customer (user token with realm role `customer`) places an order. */
  @Post()
  @HttpCode(201)
  @UserAuth({ roles: ['realm:customer'] })
  @UseGuards(CheckoutRateLimitGuard)
  @ApiCreatedResponse({ description: 'Order confirmed; notification "sent" or "pending"' })
  @ApiUnprocessableEntityResponse({
    description: 'The account has no email address, or one no confirmation can be sent to',
  })
  @ApiTooManyRequestsResponse({
    description: 'RATE_LIMITED: too many checkouts (per customer or overall); see Retry-After',
  })
  async checkout(@AuthPrincipal() customer: AuthenticatedPrincipal, @Body() dto: CheckoutDto) {
    const order = await this.checkoutService.checkout(
      { subject: customer.subject, email: customer.email },
      dto,
    );
    const { orderId, status, notification } = orderView(order);
    return { orderId, status, notification };
  }
}
