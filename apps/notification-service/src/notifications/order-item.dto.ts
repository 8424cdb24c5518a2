import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNumber, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

export const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;

/** One line of the order as the email lists it. */
export class OrderItemDto {
  @ApiProperty({ example: 'KB-001', minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  @Matches(NO_CONTROL_CHARACTERS, { message: '$property must not contain control characters' })
  sku!: string;

  @ApiProperty({ example: 2, minimum: 1, maximum: 100 })
  @IsInt()
  @Min(1)
  @Max(100)
  quantity!: number;

  @ApiPropertyOptional({ example: 'Mechanical keyboard', minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(NO_CONTROL_CHARACTERS, { message: '$property must not contain control characters' })
  name?: string;

  @ApiPropertyOptional({ example: 49.9, minimum: 0, description: 'Price of one unit' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  unitPrice?: number;
}
