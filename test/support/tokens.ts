import { sign, type KeyObject } from 'node:crypto';

/** The same token with its payload changed, signed again by `key` under the same header. */
export function resign(
  token: string,
  change: (claims: Record<string, unknown>) => void,
  key: KeyObject,
): string {
  const [header, payload] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  change(claims);
  const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}
