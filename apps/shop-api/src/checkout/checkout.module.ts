import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { OrderRepository } from '../orders/order.repository.js';
import { OrdersController } from '../orders/orders.controller.js';
import { CheckoutRateLimitGuard } from './checkout-rate-limit.guard.js';
import { CheckoutController } from './checkout.controller.js';
import { CheckoutService } from './checkout.service.js';

@Module({
  imports: [NotificationsModule],
  controllers: [CheckoutController, OrdersController],
  providers: [CheckoutService, OrderRepository, CheckoutRateLimitGuard],
})
export class CheckoutModule {}
