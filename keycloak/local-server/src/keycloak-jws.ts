import { sign, verify } from 'node:crypto';
import type { RealmKey, RealmKeys } from './realm-keys.js';

/**
 * Signs claims the way Keycloak's `JWSBuilder` does: the header is written by hand with spaces
 * around the colons of `typ` and `kid` (facts §3.1), the payload keeps the given member order.
 */
export function signKeycloakJwt(claims: object, key: RealmKey, typ = 'JWT'): string {
  const header = `{"alg":"RS256","typ" : "${typ}","kid" : "${key.kid}"}`;
  const signingInput = `${Buffer.from(header).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key.privateKey).toString('base64url')}`;
}

/** Claims of a token this realm signed (active or passive key), or undefined for anything else. */
export function verifyKeycloakJwt(
  token: string,
  keys: RealmKeys,
): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as {
      alg?: unknown;
      kid?: unknown;
    };
    const key = typeof header.kid === 'string' ? keys.signingKey(header.kid) : undefined;
    if (header.alg !== 'RS256' || !key) return undefined;
    const valid = verify(
      'sha256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      key.publicKey,
      Buffer.from(parts[2], 'base64url'),
    );
    if (!valid) return undefined;
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
