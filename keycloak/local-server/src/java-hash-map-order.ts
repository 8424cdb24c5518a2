/** Java's `String.hashCode()` over UTF-16 code units, as a signed 32-bit integer. */
function javaStringHash(text: string): number {
  let hash = 0;
  for (let index = 0; index < text.length; index += 1) {
    hash = (Math.imul(hash, 31) + text.charCodeAt(index)) | 0;
  }
  return hash;
}

/** The table size of a `java.util.HashMap` (default capacity 16, load factor 0.75) holding `size` entries. */
export function javaHashMapCapacity(size: number): number {
  let capacity = 16;
  while (size > capacity * 0.75) capacity *= 2;
  return capacity;
}

/** The bucket a `String` key falls into in a `java.util.HashMap` table of that size. */
export function javaHashMapBucket(key: string, capacity: number): number {
  const hash = javaStringHash(key);
  return (hash ^ (hash >>> 16)) & (capacity - 1);
}

/**
 * Reorders entries into the iteration order of a `java.util.HashMap` that received them in this
 * order (bucket by bucket; within a bucket, insertion order). Keycloak keeps mapper-added claims
 * in such a map (`JsonWebToken.otherClaims`) and roles in hash sets, so this is the order Jackson
 * writes them in (facts §3.2: `clientHost, email_verified, preferred_username, clientAddress,
 * client_id`).
 */
export function javaHashMapOrder<T>(entries: Array<[string, T]>): Array<[string, T]> {
  const capacity = javaHashMapCapacity(entries.length);
  return entries
    .map((entry, position) => ({ entry, position, bucket: javaHashMapBucket(entry[0], capacity) }))
    .sort((a, b) => a.bucket - b.bucket || a.position - b.position)
    .map(({ entry }) => entry);
}
