import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The second realm of the side-by-side suite: more of Keycloak than techstore uses. */
export const CONFORMANCE_REALM_FILE = join(__dirname, '..', 'conformance-realm.json');

/**
 * Values for the conformance realm's placeholders, given to both servers. CONFORMANCE_UNSET
 * and CONFORMANCE_BOB_PASSWORD are deliberately absent (the unset and default forms).
 */
export const CONFORMANCE_ENV = {
  CONFORMANCE_INVENTORY_SECRET: 'conformance-inventory-secret',
  CONFORMANCE_BILLING_SECRET: 'conformance-billing-secret',
  CONFORMANCE_BATCH_SECRET: 'conformance-batch-secret',
  CONFORMANCE_MAPPER_SECRET: 'conformance-mapper-secret',
  CONFORMANCE_ROTATED_SECRET: 'conformance-rotated-secret',
  CONFORMANCE_APP_SECRET: 'conformance-app-secret',
  CONFORMANCE_USER_PASSWORD: 'conformance-user-password',
  CONFORMANCE_VALUE: 'resolved-value',
  CONFORMANCE_OTHER: 'other-value',
};

/** Bob's password comes from `${CONFORMANCE_BOB_PASSWORD:bob-fallback-password}` (variable unset). */
export const BOB_PASSWORD = 'bob-fallback-password';

/** The test-only private key of `jwt-client` (its public half is the client's `jwks.string`). */
export function jwtClientKey(): { kid: string; privateKey: KeyObject } {
  const { key } = JSON.parse(
    readFileSync(join(__dirname, '..', 'jwt-client-key.json'), 'utf8'),
  ) as {
    key: { kid: string } & Record<string, unknown>;
  };
  const { kid, alg: _alg, use: _use, ...jwk } = key;
  return { kid, privateKey: createPrivateKey({ key: jwk, format: 'jwk' }) };
}
