import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { AuthPrincipal, UserAuth, type AuthenticatedPrincipal } from '@app/auth';
import { orderView } from '../orders/order.js';
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
  @ApiCreatedResponse({ description: 'Order confirmed; notification "sent" or "pending"' })
  async checkout(@AuthPrincipal() customer: AuthenticatedPrincipal, @Body() dto: CheckoutDto) {
    const order = await this.checkoutService.checkout(
      { subject: customer.subject, email: customer.email },
      dto,
    );
    const { orderId, status, notification } = orderView(order);
    return { orderId, status, notification };
  }
}
