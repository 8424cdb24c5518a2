import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { OrderRepository } from '../orders/order.repository';
import { OrdersController } from '../orders/orders.controller';
import { CheckoutController } from './checkout.controller';
import { CheckoutService } from './checkout.service';

@Module({
  imports: [NotificationsModule],
  controllers: [CheckoutController, OrdersController],
  providers: [CheckoutService, OrderRepository],
})
export class CheckoutModule {}
