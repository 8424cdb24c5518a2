import { Controller, Get, NotFoundException, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthPrincipal, UserAuth, type AuthenticatedPrincipal } from '@app/auth/receiver';
import { orderView } from './order.js';
import { OrderRepository } from './order.repository.js';

@ApiTags('orders')
@ApiBearerAuth()
@Controller('api/orders')
export class OrdersController {
  constructor(private readonly orders: OrderRepository) {}

  /** The order's owner sees it with its notification state; anyone else gets 404, not 403. */
  @Get(':orderId')
  @UserAuth({ roles: ['realm:customer'] })
  async get(
    @AuthPrincipal() customer: AuthenticatedPrincipal,
    @Param('orderId', new ParseUUIDPipe({ version: '4' })) orderId: string,
  ) {
    const order = await this.orders.find(orderId);
    if (!order || order.ownerSubject !== customer.subject) {
      throw new NotFoundException('No such order');
    }
    return orderView(order);
  }
}
