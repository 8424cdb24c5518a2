import {
  javaHashMapBucket,
  javaHashMapCapacity,
} from '../../local-server/src/java-hash-map-order.js';
import { DECLARED_CLAIMS } from '../../local-server/src/token-claims.js';
import type { Difference } from './differences.js';

/** A difference between the local server and real Keycloak that stays, and why. */
export interface AllowedDifference {
  /** Matches `<realm>: <probe name>`. */
  probe: RegExp;
  /** Matches the difference's path (`body.access_token.$jwt.claims.sid`, `headers.vary` …). */
  path: RegExp;
  /** A further condition on the two values, when the path alone says too little. */
  when?: (difference: Difference) => boolean;
  /**
   * The difference follows random ids in Keycloak: some runs happen to match, so the entry is
   * not expected to explain something in every run.
   */
  random?: true;
  reason: string;
}

/** What introspection appends after the token's claims. */
const INTROSPECTION_TRAILER = ['client_id', 'username', 'token_type', 'active'];

/**
 * Whether an order of members is one a Java `HashMap` of mapper claims can produce: Keycloak's
 * declared claims first, then the others bucket by bucket (within a bucket any order).
 */
function isHashMapOrder(keys: string[]): { declared: string[]; buckets: number[] } | undefined {
  const declared = keys.filter((key) => DECLARED_CLAIMS.includes(key));
  let others = keys.filter((key) => !DECLARED_CLAIMS.includes(key));
  if (others.slice(-INTROSPECTION_TRAILER.length).join() === INTROSPECTION_TRAILER.join()) {
    others = others.slice(0, -INTROSPECTION_TRAILER.length);
  }
  if (keys.slice(0, declared.length).join() !== declared.join()) return undefined;
  const capacity = javaHashMapCapacity(others.length);
  const buckets = others.map((key) => javaHashMapBucket(key, capacity));
  return buckets.every((bucket, index) => index === 0 || bucket >= buckets[index - 1])
    ? { declared, buckets }
    : undefined;
}

/** Both orders are HashMap orders of the same members and differ only inside buckets. */
function differsOnlyInsideHashMapBuckets({ local, keycloak }: Difference): boolean {
  if (!Array.isArray(local) || !Array.isArray(keycloak)) return false;
  const a = isHashMapOrder(local as string[]);
  const b = isHashMapOrder(keycloak as string[]);
  return (
    !!a && !!b && a.declared.join() === b.declared.join() && a.buckets.join() === b.buckets.join()
  );
}

/**
 * The short list of differences that cannot or need not match. Everything else the side-by-side
 * suite finds is a defect of the local server.
 */
export const ALLOWED_DIFFERENCES: AllowedDifference[] = [
  {
    probe: /: JWKS/,
    path: /^body\.keys \(element order\)$/,
    random: true,
    reason:
      'Keycloak lists keys by provider priority; its two generated RSA keys tie at 100, so their order follows random component ids and changes from one import to the next. Verifiers pick keys by kid.',
  },
  {
    probe: /: discovery: /,
    path: /^body\.scopes_supported \(element order\)$/,
    random: true,
    reason:
      'Keycloak lists the realm scopes in the order of their random ids, which changes from one import to the next; the members match.',
  },
  {
    probe: /./,
    path: /(\.claims|^body) \(member order\)$/,
    when: differsOnlyInsideHashMapBuckets,
    random: true,
    reason:
      "Mapper claims that share a bucket of Java's HashMap come out in the order Keycloak ran their mappers, which follows the mappers' random ids and changes from one import to the next; declared claims and the bucket order match.",
  },
  {
    probe: /password grant|introspection of (alice|bob)|temporary password|revocation by a public/,
    path: /^body\.(refresh_token|refresh_expires_in)$/,
    reason:
      'Refresh tokens and the refresh_token grant are out of scope (ADR 0002): no service here refreshes a token, so the password grant answers without one (refresh_expires_in 0).',
  },
];

export function allowanceFor(probe: string, difference: Difference): AllowedDifference | undefined {
  return ALLOWED_DIFFERENCES.find(
    (entry) =>
      entry.probe.test(probe) &&
      entry.path.test(difference.path) &&
      (entry.when?.(difference) ?? true),
  );
}
