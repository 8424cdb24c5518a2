/** One place where two normalized answers differ. */
export interface Difference {
  /** `body.access_token.$jwt.claims.aud`, `headers.x-xss-protection`, `body (member order)` … */
  path: string;
  local: unknown;
  keycloak: unknown;
}

const kind = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

const render = (value: unknown) => (value === undefined ? '(absent)' : value);

/**
 * Every difference between two normalized values, field by field: presence, JSON type, value,
 * member order of objects and element order of arrays.
 */
export function differences(local: unknown, keycloak: unknown, path = ''): Difference[] {
  const here = (suffix: string) => (path ? `${path}${suffix}` : suffix.replace(/^\./, ''));
  if (kind(local) !== kind(keycloak)) {
    return [{ path: path || '(root)', local: render(local), keycloak: render(keycloak) }];
  }
  if (Array.isArray(local) && Array.isArray(keycloak)) {
    const sameElements =
      local.length === keycloak.length &&
      local.every((item) => keycloak.some((other) => differences(item, other).length === 0));
    if (
      sameElements &&
      local.some((item, index) => differences(item, keycloak[index]).length > 0)
    ) {
      return [{ path: here(' (element order)'), local, keycloak }];
    }
    if (local.length !== keycloak.length) {
      return [{ path: here(' (elements)'), local, keycloak }];
    }
    return local.flatMap((item, index) => differences(item, keycloak[index], here(`[${index}]`)));
  }
  if (kind(local) === 'object') {
    const a = local as Record<string, unknown>;
    const b = keycloak as Record<string, unknown>;
    const found = [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((name) =>
      differences(a[name], b[name], here(`.${name}`)),
    );
    const shared = (from: Record<string, unknown>, other: Record<string, unknown>) =>
      Object.keys(from).filter((name) => name in other);
    const orderLocal = shared(a, b);
    const orderKeycloak = shared(b, a);
    if (orderLocal.join('\u0000') !== orderKeycloak.join('\u0000')) {
      found.push({ path: here(' (member order)'), local: orderLocal, keycloak: orderKeycloak });
    }
    return found;
  }
  return Object.is(local, keycloak)
    ? []
    : [{ path: path || '(root)', local: render(local), keycloak: render(keycloak) }];
}
