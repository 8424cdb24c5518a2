import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * A connection URL node-postgres accepts: `postgres://` or `postgresql://` with a host, or with
 * `?host=/path/to/socket` for a Unix socket.
 */
export function isPostgresUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    const scheme = url.protocol === 'postgres:' || url.protocol === 'postgresql:';
    return scheme && (url.hostname !== '' || url.searchParams.has('host'));
  } catch {
    return false;
  }
}

export function IsPostgresUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isPostgresUrl', validator: { validate: isPostgresUrl } }, options);
}
