import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNumber,
  IsString,
  Length,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { EMAIL_ADDRESS_MAX_LENGTH, IsDeliverableEmailAddress } from '@app/common';
import {
  ORDER_ID_MAX_LENGTH,
  SAFE_TOKEN,
  SAFE_TOKEN_CHARACTERS,
} from './notifications.constants.js';
import { OrderItemDto } from './order-item.dto.js';
import { validOrderNotification } from './order-notification.fast-path.js';

/** Body of `POST /api/notifications/order`: the confirmed order to email. */
export class OrderNotificationDto {
  @ApiProperty({
    example: 'ord-3f9c2a',
    pattern: SAFE_TOKEN.source,
    maxLength: ORDER_ID_MAX_LENGTH,
  })
  @IsString()
  @Length(1, ORDER_ID_MAX_LENGTH)
  @Matches(SAFE_TOKEN, { message: `$property must contain only ${SAFE_TOKEN_CHARACTERS}` })
  orderId!: string;

  @ApiProperty({
    example: 'alice@example.com',
    description: 'Recipient of the email',
    maxLength: EMAIL_ADDRESS_MAX_LENGTH,
  })
  @IsDeliverableEmailAddress()
  email!: string;

  @ApiProperty({ type: [OrderItemDto], minItems: 1, maxItems: 50 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items!: OrderItemDto[];

  @ApiProperty({ example: 99.8, minimum: 0 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  total!: number;

  /** The rules above checked without class-validator's machinery (FastPathValidationPipe). */
  static fromValidBody(body: unknown): OrderNotificationDto | undefined {
    return validOrderNotification(OrderNotificationDto, body);
  }
}
