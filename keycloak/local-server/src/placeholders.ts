/** Result of resolving the `${VAR}` placeholders of a realm representation. */
export interface ResolvedPlaceholders<T> {
  value: T;
  /** Names of variables that were referenced; values never leave this module. */
  used: string[];
  /**
   * Environment-style names (UPPER_SNAKE_CASE, also written `env.NAME`) that stayed literal: unset
   * without a default, or in the `${env.NAME}` form Keycloak 26.6 does not resolve. Other
   * unresolved names (`${client_id}` in mapper claim names, theme message keys such as
   * `${profileScopeConsentText}`) are meant to stay literal.
   */
  unresolved: string[];
}

const PLACEHOLDER = /\$\{([^}:]+)(?::([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:default}` in every string value, the way Keycloak 26.6.4's import
 * resolves placeholders from its environment (measured by the conformance suite): several in one
 * string and text around them work; an unset variable without a default keeps its literal
 * `${VAR}` text; `${env.VAR}` is not an environment reference there and stays literal too.
 */
export function resolvePlaceholders<T>(
  input: T,
  env: Record<string, string | undefined>,
): ResolvedPlaceholders<T> {
  const used = new Set<string>();
  const unresolved = new Set<string>();
  const replaceString = (text: string): string =>
    text.replace(PLACEHOLDER, (whole: string, rawName: string, fallback: string | undefined) => {
      if (rawName.startsWith('env.')) {
        if (/^env\.[A-Z][A-Z0-9_]*$/.test(rawName)) unresolved.add(rawName);
        return whole;
      }
      used.add(rawName);
      const value = env[rawName];
      if (value !== undefined) return value;
      if (fallback !== undefined) return fallback;
      if (/^[A-Z][A-Z0-9_]*$/.test(rawName)) unresolved.add(rawName);
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
