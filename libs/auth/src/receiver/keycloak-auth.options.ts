import type { Clock } from '../shared/clock.js';
import { isHttpUrl } from '../shared/http-url.js';
import { ASYMMETRIC_ALGORITHMS, type AsymmetricAlgorithm } from '../shared/jws-algorithms.js';
import { clockOption, numberOption, realmUrlOption } from '../shared/option-checks.js';
import { KeycloakAuthConfigError } from './keycloak-auth.errors.js';

/**
 * What an app gives `KeycloakAuthModule.forRoot()`; the library never reads `process.env`.
 * Durations are milliseconds and end in `Ms` (ADR 0017).
 */
export interface KeycloakAuthOptions {
  /** The exact `iss` tokens must carry, e.g. `http://localhost:8080/realms/techstore`. */
  issuer: string;
  /**
   * The `aud` value every token must contain, and the client whose roles
   * (`resource_access[audience].roles`) the decorators check.
   */
  audience: string;
  /** The realm URL as this service reaches it; the JWKS URL is derived from it. */
  realmUrl?: string;
  /** The realm's JWKS URL, instead of `realmUrl`. */
  jwksUri?: string;
  /** Accepted `alg` values (asymmetric only). Default `['RS256']` (Keycloak's default). */
  algorithms?: AsymmetricAlgorithm[];
  /** Leeway for `exp`, `nbf` and `iat`. Default 30 000. */
  clockToleranceMs?: number;
  /** Oldest accepted token, by `iat`. Default 3 600 000 (one hour). */
  maxTokenAgeMs?: number;
  /** Longest accepted token, checked before any decoding. Default 8192. */
  maxTokenBytes?: number;
  /** `realm` of the `WWW-Authenticate` challenge. Default: `audience`. */
  realm?: string;
  /** Tokens the verified-token cache holds; 0 turns it off. Default 10 000. */
  maxCachedTokens?: number;
  /** Timeout of one JWKS request. Default 5000. */
  jwksTimeoutMs?: number;
  /**
   * Age after which the next request refreshes the key set in the background; past twice this
   * age a request waits for the refresh, so a key removed from the realm is refused within twice
   * this time (ADR 0023). Default 30 000.
   */
  jwksMaxAgeMs?: number;
  /**
   * Longest wait between two JWKS requests for unknown `kid`s (the wait doubles from 1 s while
   * fetches bring no new key), and the wait after a failed request. Default 30 000.
   */
  jwksCooldownMs?: number;
  /** How long past `jwksMaxAgeMs` held keys keep validating while the JWKS endpoint fails. Default 3 600 000. */
  jwksMaxStaleMs?: number;
  /** Test seam; default the system clock. */
  clock?: Clock;
}

/** Options after defaults, validated. */
export interface ResolvedKeycloakAuthOptions {
  issuer: string;
  audience: string;
  jwksUri: string;
  algorithms: readonly AsymmetricAlgorithm[];
  clockToleranceMs: number;
  maxTokenAgeMs: number;
  maxTokenBytes: number;
  realm: string;
  maxCachedTokens: number;
  jwksTimeoutMs: number;
  jwksMaxAgeMs: number;
  jwksCooldownMs: number;
  jwksMaxStaleMs: number;
  clock: Clock;
}

export const KEYCLOAK_AUTH_DEFAULTS = {
  algorithms: ['RS256'],
  clockToleranceMs: 30_000,
  maxTokenAgeMs: 3_600_000,
  maxTokenBytes: 8192,
  maxCachedTokens: 10_000,
  jwksTimeoutMs: 5_000,
  jwksMaxAgeMs: 30_000,
  jwksCooldownMs: 30_000,
  jwksMaxStaleMs: 3_600_000,
} as const;

/**
 * Applies the defaults and checks every option, throwing one KeycloakAuthConfigError that lists
 * all problems (so a deployment is fixed in one round, not one error at a time).
 */
export function resolveKeycloakAuthOptions(
  options: KeycloakAuthOptions,
): ResolvedKeycloakAuthOptions {
  const problems: string[] = [];
  const o = (options ?? {}) as Partial<KeycloakAuthOptions>;
  const defaults = KEYCLOAK_AUTH_DEFAULTS;

  if (!isHttpUrl(o.issuer)) problems.push('issuer: must be an absolute http(s) URL');
  else if (o.issuer.endsWith('/')) {
    problems.push('issuer: must not end with "/" (Keycloak writes it without one)');
  }
  if (typeof o.audience !== 'string' || o.audience.trim() === '') {
    problems.push('audience: must be a non-empty string, the aud value tokens must contain');
  }

  let jwksUri = '';
  if ((o.jwksUri === undefined) === (o.realmUrl === undefined)) {
    problems.push('realmUrl / jwksUri: exactly one must be set');
  } else if (o.jwksUri !== undefined) {
    if (isHttpUrl(o.jwksUri)) jwksUri = o.jwksUri;
    else problems.push('jwksUri: must be an absolute http(s) URL');
  } else {
    jwksUri = realmUrlOption(problems, 'realmUrl', o.realmUrl)?.certs ?? '';
  }

  const algorithms = o.algorithms ?? defaults.algorithms;
  if (
    !Array.isArray(algorithms) ||
    algorithms.length === 0 ||
    algorithms.some((alg) => !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg))
  ) {
    problems.push(`algorithms: must be a non-empty list of ${ASYMMETRIC_ALGORITHMS.join(', ')}`);
  }

  const number = (name: keyof typeof defaults & keyof KeycloakAuthOptions, min: number) =>
    numberOption(problems, name, o[name], defaults[name] as number, { min });
  const clockToleranceMs = number('clockToleranceMs', 0);
  const maxTokenAgeMs = number('maxTokenAgeMs', 1000);
  const maxTokenBytes = number('maxTokenBytes', 256);
  const maxCachedTokens = numberOption(
    problems,
    'maxCachedTokens',
    o.maxCachedTokens,
    defaults.maxCachedTokens,
    { integer: true },
  );
  const jwksTimeoutMs = number('jwksTimeoutMs', 1);
  const jwksMaxAgeMs = number('jwksMaxAgeMs', 1000);
  const jwksCooldownMs = number('jwksCooldownMs', 0);
  const jwksMaxStaleMs = number('jwksMaxStaleMs', 0);

  const realm = o.realm ?? o.audience;
  if (o.realm !== undefined && (typeof o.realm !== 'string' || o.realm === '')) {
    problems.push('realm: must be a non-empty string');
  } else if (typeof realm === 'string' && [...realm].some((c) => c < ' ' || c === '\x7f')) {
    problems.push('realm: must not contain control characters (default: audience)');
  }
  const clock = clockOption(problems, o.clock);

  if (problems.length > 0) throw new KeycloakAuthConfigError(problems);

  return {
    issuer: o.issuer!,
    audience: o.audience!,
    jwksUri,
    algorithms: [...algorithms],
    clockToleranceMs,
    maxTokenAgeMs,
    maxTokenBytes,
    realm: realm!,
    maxCachedTokens,
    jwksTimeoutMs,
    jwksMaxAgeMs,
    jwksCooldownMs,
    jwksMaxStaleMs,
    clock,
  };
}
