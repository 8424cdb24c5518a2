import { constants, createHmac, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { TestSigningKey } from './test-signing-key.js';

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** `{ client: ['role'] }` → Keycloak's `resource_access` shape `{ client: { roles: ['role'] } }`. */
function resourceAccess(
  clientRoles: Record<string, string[]> = {},
): Record<string, { roles: string[] }> {
  return Object.fromEntries(
    Object.entries(clientRoles).map(([client, roles]) => [client, { roles }]),
  );
}

/** Keycloak's JOSE header, byte for byte: `{"alg":"RS256","typ" : "JWT","kid" : "<kid>"}`. */
export function keycloakHeader(key: Pick<TestSigningKey, 'alg' | 'kid'>): string {
  return `{"alg":"${key.alg}","typ" : "JWT","kid" : "${key.kid}"}`;
}

/** Signs `<header>.<payload>` with the key, for the given JWS algorithm. */
export function signJws(alg: string, signingInput: string, key: KeyObject | string): Buffer {
  const data = Buffer.from(signingInput);
  const hash = `sha${alg.slice(2)}`;
  if (alg.startsWith('HS')) return createHmac(hash, key).update(data).digest();
  if (alg.startsWith('PS')) {
    return sign(hash, data, {
      key: key as KeyObject,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
  }
  if (alg.startsWith('ES'))
    return sign(hash, data, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' });
  return sign(hash, data, key);
}

/** Builds a compact JWS from exact header and payload JSON text. */
export function compactJws(
  headerJson: string,
  payloadJson: string,
  key: TestSigningKey,
  alg = key.alg,
): string {
  const input = `${b64url(headerJson)}.${b64url(payloadJson)}`;
  return `${input}.${b64url(signJws(alg, input, key.privateKey))}`;
}

export interface ServiceAccountTokenClaims {
  issuer: string;
  /** The client that requests the token (`azp`, `client_id`). */
  clientId: string;
  /** `aud`: a string, or an array when several (Keycloak serialises one value as a string). */
  audience?: string | string[];
  /** Client roles by client id (`resource_access`). */
  clientRoles?: Record<string, string[]>;
  realmRoles?: string[];
  /** Issue time in seconds; default now. */
  iat?: number;
  lifetimeSeconds?: number;
  scope?: string;
}

export interface UserTokenClaims extends Omit<ServiceAccountTokenClaims, 'clientId'> {
  /** The public client the person logged in with (`azp`), e.g. `techstore-web`. */
  clientId: string;
  username: string;
  email?: string;
}

/**
 * Signs Keycloak 26-shaped access tokens (claim order, `typ: Bearer`, `trrtcc:` jti,
 * service-account username and `client_id`, `aud` string-or-array and omitted when empty).
 */
export class KeycloakTokenSigner {
  constructor(
    private readonly key: TestSigningKey,
    private readonly now: () => number = Date.now,
  ) {}

  /** A client-credentials token of `clientId`'s service account. */
  serviceAccountClaims(claims: ServiceAccountTokenClaims): Record<string, unknown> {
    const iat = claims.iat ?? Math.floor(this.now() / 1000);
    return {
      exp: iat + (claims.lifetimeSeconds ?? 300),
      iat,
      jti: `trrtcc:${randomUUID()}`,
      iss: claims.issuer,
      ...(claims.audience !== undefined && { aud: claims.audience }),
      sub: randomUUID(),
      typ: 'Bearer',
      azp: claims.clientId,
      acr: '1',
      realm_access: { roles: claims.realmRoles ?? ['offline_access', 'uma_authorization'] },
      resource_access: resourceAccess(claims.clientRoles),
      scope: claims.scope ?? 'profile email',
      clientHost: '127.0.0.1',
      email_verified: false,
      preferred_username: `service-account-${claims.clientId.toLowerCase()}`,
      clientAddress: '127.0.0.1',
      client_id: claims.clientId,
    };
  }

  /** A person's access token (authorization code or direct grant): no `client_id`. */
  userClaims(claims: UserTokenClaims): Record<string, unknown> {
    const iat = claims.iat ?? Math.floor(this.now() / 1000);
    return {
      exp: iat + (claims.lifetimeSeconds ?? 300),
      iat,
      jti: `onrtac:${randomUUID()}`,
      iss: claims.issuer,
      ...(claims.audience !== undefined && { aud: claims.audience }),
      sub: randomUUID(),
      typ: 'Bearer',
      azp: claims.clientId,
      sid: randomUUID(),
      acr: '1',
      realm_access: { roles: claims.realmRoles ?? ['offline_access', 'uma_authorization'] },
      resource_access: resourceAccess(claims.clientRoles),
      scope: claims.scope ?? 'openid profile email',
      email_verified: true,
      preferred_username: claims.username,
      ...(claims.email !== undefined && { email: claims.email }),
    };
  }

  /** Signs claims with Keycloak's header bytes (or `header`, given as an object or exact JSON text). */
  sign(claims: Record<string, unknown>, header?: Record<string, unknown> | string): string {
    const headerJson =
      header === undefined
        ? keycloakHeader(this.key)
        : typeof header === 'string'
          ? header
          : JSON.stringify(header);
    return compactJws(headerJson, JSON.stringify(claims), this.key);
  }
}
