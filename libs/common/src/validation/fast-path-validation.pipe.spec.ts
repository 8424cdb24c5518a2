import { BadRequestException, type ArgumentMetadata } from '@nestjs/common';
import { IsInt, Min } from 'class-validator';
import { FastPathValidationPipe } from './fast-path-validation.pipe.js';

class CountDto {
  @IsInt()
  @Min(1)
  count!: number;

  static checked = 0;

  /** Accepts only what it is sure of: a plain { count } of 1..9. */
  static fromValidBody(body: unknown): CountDto | undefined {
    CountDto.checked++;
    const count = (body as { count?: unknown } | null)?.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 9) {
      return undefined;
    }
    return Object.assign(new CountDto(), { count });
  }
}

class PlainDto {
  @IsInt()
  count!: number;
}

const pipe = new FastPathValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
});
const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({
  type: 'body',
  metatype,
});

describe('FastPathValidationPipe', () => {
  it('hands over what the DTO is sure of, as the DTO built it', async () => {
    const result = await pipe.transform({ count: 3 }, body(CountDto));
    expect(result).toBeInstanceOf(CountDto);
    expect(result).toEqual({ count: 3 });
  });

  it('leaves everything else to ValidationPipe, which accepts and refuses as always', async () => {
    await expect(pipe.transform({ count: 42 }, body(CountDto))).resolves.toEqual({ count: 42 });
    const refused = pipe.transform({ count: 0, extra: true }, body(CountDto));
    await expect(refused).rejects.toBeInstanceOf(BadRequestException);
    await expect(refused).rejects.toMatchObject({
      response: {
        message: ['property extra should not exist', 'count must not be less than 1'],
      },
    });
  });

  it('asks only body DTOs that have a fast path', async () => {
    const before = CountDto.checked;
    await expect(pipe.transform({ count: 1 }, body(PlainDto))).resolves.toBeInstanceOf(PlainDto);
    await expect(
      pipe.transform('7', { type: 'query', metatype: CountDto, data: 'count' }),
    ).rejects.toBeInstanceOf(BadRequestException);
    expect(CountDto.checked).toBe(before);
  });
});
