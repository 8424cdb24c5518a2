/** Java's `String.hashCode()` over UTF-16 code units, as a signed 32-bit integer. */
function javaStringHash(text: string): number {
  let hash = 0;
  for (let index = 0; index < text.length; index += 1) {
    hash = (Math.imul(hash, 31) + text.charCodeAt(index)) | 0;
  }
  return hash;
}

/**
 * Reorders entries into the iteration order of a `java.util.HashMap` that received them in this
 * order. Keycloak keeps mapper-added claims in such a map (`JsonWebToken.otherClaims`), so this is
 * the order Jackson writes them in (facts §3.2: `clientHost, email_verified, preferred_username,
 * clientAddress, client_id`).
 */
export function javaHashMapOrder<T>(entries: Array<[string, T]>): Array<[string, T]> {
  let capacity = 16;
  while (entries.length > capacity * 0.75) capacity *= 2;
  const bucket = (key: string) => {
    const hash = javaStringHash(key);
    return (hash ^ (hash >>> 16)) & (capacity - 1);
  };
  return entries
    .map((entry, position) => ({ entry, position, bucket: bucket(entry[0]) }))
    .sort((a, b) => a.bucket - b.bucket || a.position - b.position)
    .map(({ entry }) => entry);
}
