/**
 * The asymmetric JWS algorithms Keycloak can sign with (and verify client assertions with).
 * Symmetric `HS*` is deliberately absent: a receiver that accepts it can be fooled with the
 * public key used as an HMAC secret (RFC 8725 §3.1).
 */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
] as const;

export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];
