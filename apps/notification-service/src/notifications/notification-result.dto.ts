import { ApiProperty } from '@nestjs/swagger';

/** `sent` (201): this request sent the email. `duplicate` (200): sent before for this key. */
export class NotificationResultDto {
  @ApiProperty({ example: '0b7f8d2e-4f1a-4c1e-9f55-2d0c8f1d6a3b' })
  notificationId!: string;

  @ApiProperty({ enum: ['sent', 'duplicate'] })
  status!: 'sent' | 'duplicate';
}
