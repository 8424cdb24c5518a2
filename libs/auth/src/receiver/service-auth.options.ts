import {
  ASYMMETRIC_ALGORITHMS,
  keycloakEndpoints,
  type AsymmetricAlgorithm,
} from '../keycloak/index.js';

/** Signature algorithms the receiver can be told to accept: asymmetric only (RFC 8725 §3.1). */
export { ASYMMETRIC_ALGORITHMS, type AsymmetricAlgorithm };
import { ServiceAuthConfigurationError } from './service-auth.errors.js';

/** What an app gives `ServiceAuthModule.forRoot()`; the library never reads `process.env`. */
export interface ServiceAuthOptions {
  /** The exact `iss` tokens must carry, e.g. `http://localhost:8080/realms/techstore`. */
  issuer: string;
  /**
   * The `aud` value every token must contain, and the client whose roles
   * (`resource_access[audience].roles`) the decorators check.
   */
  audience: string;
  /** The realm's JWKS URL. Give this or `realmUrl`, not both. */
  jwksUri?: string;
  /** The realm URL as this service reaches it; the JWKS URL is derived from it. */
  realmUrl?: string;
  /** Accepted `alg` values. Default `['RS256']` (Keycloak's default). */
  algorithms?: AsymmetricAlgorithm[];
  /** Leeway for `exp`, `nbf` and `iat`. Default 30. */
  clockToleranceSeconds?: number;
  /** Oldest accepted token, by `iat`. Default 3600. */
  maxTokenAgeSeconds?: number;
  /** Longest accepted token, checked before any decoding. Default 8192. */
  maxTokenBytes?: number;
  /** `realm` of the `WWW-Authenticate` challenge. Default: `audience`. */
  realm?: string;
  /** Entries of the verified-token cache; 0 turns it off. Default 10000. */
  verifiedTokenCacheSize?: number;
  /** Timeout of one JWKS request (socket inactivity). Default 5000. */
  jwksTimeoutMs?: number;
  /** Age after which the key set is refreshed. Default 600. */
  jwksCacheMaxAgeSeconds?: number;
  /** Minimum time between two JWKS requests after a miss or a failure. Default 30. */
  jwksCooldownSeconds?: number;
  /** How long past `jwksCacheMaxAgeSeconds` held keys are still used while the JWKS endpoint fails. Default 3600. */
  jwksMaxStaleSeconds?: number;
  /** Current time in milliseconds since the epoch. Default `Date.now`; tests pass a manual clock. */
  clock?: () => number;
}

/** Options after defaults, validated, with durations in milliseconds. */
export interface ResolvedServiceAuthOptions {
  issuer: string;
  audience: string;
  jwksUri: string;
  algorithms: readonly AsymmetricAlgorithm[];
  clockToleranceSeconds: number;
  maxTokenAgeSeconds: number;
  maxTokenBytes: number;
  realm: string;
  verifiedTokenCacheSize: number;
  jwksTimeoutMs: number;
  jwksCacheMaxAgeMs: number;
  jwksCooldownMs: number;
  jwksMaxStaleMs: number;
  clock: () => number;
}

const isHttpUrl = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
};

/**
 * Applies the defaults and checks every option, throwing one ServiceAuthConfigurationError that
 * lists all problems (so a deployment is fixed in one round, not one error at a time).
 */
export function resolveServiceAuthOptions(options: ServiceAuthOptions): ResolvedServiceAuthOptions {
  const problems: string[] = [];
  const o = (options ?? {}) as Partial<ServiceAuthOptions>;

  if (!isHttpUrl(o.issuer)) problems.push('issuer must be an absolute http(s) URL');
  else if (o.issuer.endsWith('/'))
    problems.push('issuer must not end with "/" (Keycloak writes it without one)');
  if (typeof o.audience !== 'string' || o.audience.trim() === '')
    problems.push('audience is required: the aud value tokens must contain');

  let jwksUri = '';
  if (o.jwksUri !== undefined && o.realmUrl !== undefined) {
    problems.push('give jwksUri or realmUrl, not both');
  } else if (o.jwksUri !== undefined) {
    if (isHttpUrl(o.jwksUri)) jwksUri = o.jwksUri;
    else problems.push('jwksUri must be an absolute http(s) URL');
  } else if (o.realmUrl !== undefined) {
    try {
      if (!isHttpUrl(o.realmUrl)) throw new TypeError();
      jwksUri = keycloakEndpoints(o.realmUrl).certs;
    } catch {
      problems.push('realmUrl must be an http(s) URL ending in /realms/<realm>');
    }
  } else {
    problems.push('jwksUri or realmUrl is required');
  }

  const algorithms = o.algorithms ?? ['RS256'];
  if (
    !Array.isArray(algorithms) ||
    algorithms.length === 0 ||
    algorithms.some((alg) => !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg))
  ) {
    problems.push(`algorithms must be a non-empty list of ${ASYMMETRIC_ALGORITHMS.join(', ')}`);
  }

  const number = (name: keyof ServiceAuthOptions, fallback: number, min: number): number => {
    const value = o[name] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      problems.push(`${name} must be a finite number >= ${min}`);
      return fallback;
    }
    return value;
  };
  const clockToleranceSeconds = number('clockToleranceSeconds', 30, 0);
  const maxTokenAgeSeconds = number('maxTokenAgeSeconds', 3600, 1);
  const maxTokenBytes = number('maxTokenBytes', 8192, 256);
  const verifiedTokenCacheSize = number('verifiedTokenCacheSize', 10_000, 0);
  const jwksTimeoutMs = number('jwksTimeoutMs', 5000, 1);
  const jwksCacheMaxAgeSeconds = number('jwksCacheMaxAgeSeconds', 600, 1);
  const jwksCooldownSeconds = number('jwksCooldownSeconds', 30, 0);
  const jwksMaxStaleSeconds = number('jwksMaxStaleSeconds', 3600, 0);

  const realm = o.realm ?? o.audience;
  if (typeof realm === 'string' && [...realm].some((c) => c < ' ' || c === '\x7f'))
    problems.push('realm (default: audience) must not contain control characters');
  else if (o.realm !== undefined && (typeof o.realm !== 'string' || o.realm === ''))
    problems.push('realm must be a non-empty string');
  if (o.clock !== undefined && typeof o.clock !== 'function')
    problems.push('clock must be a function returning milliseconds since the epoch');

  if (problems.length > 0) throw new ServiceAuthConfigurationError(problems);

  return {
    issuer: o.issuer!,
    audience: o.audience!,
    jwksUri,
    algorithms: [...algorithms],
    clockToleranceSeconds,
    maxTokenAgeSeconds,
    maxTokenBytes,
    realm: realm!,
    verifiedTokenCacheSize,
    jwksTimeoutMs,
    jwksCacheMaxAgeMs: jwksCacheMaxAgeSeconds * 1000,
    jwksCooldownMs: jwksCooldownSeconds * 1000,
    jwksMaxStaleMs: jwksMaxStaleSeconds * 1000,
    clock: o.clock ?? Date.now,
  };
}
