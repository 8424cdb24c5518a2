/** Result of resolving the `${VAR}` placeholders of a realm representation. */
export interface ResolvedPlaceholders<T> {
  value: T;
  /** Names of variables that were referenced; values never leave this module. */
  used: string[];
  /**
   * Environment-style names (UPPER_SNAKE_CASE) that were unset and had no default: the text stays
   * literal, as in Keycloak. Other unresolved names (`${client_id}` in mapper claim names, theme
   * message keys such as `${profileScopeConsentText}`) are meant to stay literal.
   */
  unresolved: string[];
}

const PLACEHOLDER = /\$\{([^}:]+)(?::([^}]*))?\}/g;

/**
 * Replaces `${VAR}`, `${env.VAR}` and `${VAR:default}` in every string value, the way Keycloak's
 * import resolves placeholders from its environment (facts §6). An unset variable without a
 * default keeps its literal `${VAR}` text.
 */
export function resolvePlaceholders<T>(
  input: T,
  env: Record<string, string | undefined>,
): ResolvedPlaceholders<T> {
  const used = new Set<string>();
  const unresolved = new Set<string>();
  const replaceString = (text: string): string =>
    text.replace(PLACEHOLDER, (whole, rawName: string, fallback: string | undefined) => {
      const name = rawName.startsWith('env.') ? rawName.slice(4) : rawName;
      used.add(name);
      const value = env[name];
      if (value !== undefined) return value;
      if (fallback !== undefined) return fallback;
      if (/^[A-Z][A-Z0-9_]*$/.test(name)) unresolved.add(name);
      return whole;
    });
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return replaceString(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child)]));
    }
    return node;
  };
  return { value: walk(input) as T, used: [...used], unresolved: [...unresolved] };
}
