import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

const LIMIT = 'must be a whole number, 0 or more (0 switches the limit off)';
const WINDOW = 'must be a whole number of seconds between 1 and 86400';

/** An environment variable holding a rate limit: requests per window, 0 for none. */
export function IsRateLimit(): PropertyDecorator {
  return applyDecorators(
    Type(() => Number),
    IsInt({ message: LIMIT }),
    Min(0, { message: LIMIT }),
  );
}

/** An environment variable holding a rate limit's window, in seconds (at most a day). */
export function IsRateLimitWindow(): PropertyDecorator {
  return applyDecorators(
    Type(() => Number),
    IsInt({ message: WINDOW }),
    Min(1, { message: WINDOW }),
    Max(86_400, { message: WINDOW }),
  );
}
