import { createHash, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';

/** A key pair that signs test tokens, with the public JWK a Keycloak JWKS would publish. */
export interface TestSigningKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'ES256';
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** `{ kid, kty, alg, use: 'sig', n, e }` (or `crv, x, y` for EC), as Keycloak publishes it. */
  readonly jwk: JsonWebKey & { kid: string; kty: string; alg: string; use: string };
}

export interface TestSigningKeyOptions {
  alg?: TestSigningKey['alg'];
  /** Default: a 43-character thumbprint-style id, like Keycloak's. */
  kid?: string;
  /** RSA modulus size; default 2048. */
  modulusLength?: number;
}

/** Generates a signing key (RSA 2048 by default, ~50-100 ms: create once per test file). */
export function createTestSigningKey(options: TestSigningKeyOptions = {}): TestSigningKey {
  const alg = options.alg ?? 'RS256';
  const { privateKey, publicKey } = alg.startsWith('ES')
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: options.modulusLength ?? 2048 });
  const exported = publicKey.export({ format: 'jwk' });
  const kid =
    options.kid ?? createHash('sha256').update(JSON.stringify(exported)).digest('base64url');
  return {
    kid,
    alg,
    privateKey,
    publicKey,
    jwk: { kid, kty: String(exported.kty), alg, use: 'sig', ...exported },
  };
}
