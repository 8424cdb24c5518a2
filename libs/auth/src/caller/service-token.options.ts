import type { KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { Clock } from '../shared/clock.js';
import { isHttpUrl } from '../shared/http-url.js';
import { ASYMMETRIC_ALGORITHMS, type AsymmetricAlgorithm } from '../shared/jws-algorithms.js';
import { clockOption, numberOption, realmUrlOption } from '../shared/option-checks.js';
import { ServiceTokenConfigError } from './service-token.errors.js';

export type ServiceTokenAuthMethod =
  'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/** Algorithms for signing `private_key_jwt` client assertions. */
export const ASSERTION_ALGORITHMS = ASYMMETRIC_ALGORITHMS;
export type AssertionAlgorithm = AsymmetricAlgorithm;

/** What the library logs through (Nest's `Logger` fits). Messages never carry secrets or tokens. */
export interface ServiceTokenLogger {
  log(message: string): void;
  warn(message: string): void;
}

/**
 * Options of one client (`ServiceTokenModule.forRoot`, or `new ServiceTokenService(options)`).
 * Durations are milliseconds and end in `Ms` (ADR 0017).
 */
export interface ServiceTokenOptions {
  /** The realm URL as this service reaches it, e.g. `http://keycloak:8080/realms/techstore` (with `/auth` before `/realms` on legacy paths). */
  realmUrl?: string;
  /** The token endpoint itself, for servers that are not laid out like Keycloak. Exactly one of `realmUrl` / `tokenEndpoint`. */
  tokenEndpoint?: string;
  clientId: string;
  /** Exactly one credential: `clientSecret`, `clientSecretFile`, `clientSecretProvider` or `privateKey`. */
  clientSecret?: string;
  /** A file holding the secret (trimmed); re-read when Keycloak rejects the secret. */
  clientSecretFile?: string;
  /** Called on first use and again when Keycloak rejects the secret. */
  clientSecretProvider?: () => string | Promise<string>;
  /** Signs `private_key_jwt` client assertions: PKCS#8 PEM, a private `KeyObject` or a private JWK. */
  privateKey?: string | KeyObject | JWK;
  /** `kid` of the key as registered with Keycloak (JWKS of the client). */
  privateKeyId?: string;
  /** Default `RS256`. */
  privateKeyAlgorithm?: AssertionAlgorithm;
  /** `aud` of client assertions. Default: the token endpoint URL. */
  assertionAudience?: string;
  /** Default `client_secret_basic` (`private_key_jwt` when `privateKey` is set). */
  authMethod?: ServiceTokenAuthMethod;
  /** Scopes to request (space-separated string or list). Default: none (the client's default scopes). */
  scope?: string | readonly string[];

  /** Start refreshing this long before expiry; default 60 000, at most half the lifetime. */
  refreshAheadMs?: number;
  /** Never hand out a token with less than this left; default 10 000, at most 10 % of the lifetime. */
  minValidityMs?: number;
  /** ± share of refresh-ahead drawn at random per token; default 0.1. */
  jitterRatio?: number;
  /** Lifetime assumed when neither `expires_in` nor the JWT tells; default 60 000. */
  defaultLifetimeMs?: number;
  /** How long one `getToken()` call waits by default; default 15 000. */
  waitTimeoutMs?: number;
  /** Timeout of one HTTP attempt at the token endpoint; default 5 000. */
  attemptTimeoutMs?: number;
  /** Deadline for all attempts of one fetch; default 10 000. */
  totalTimeoutMs?: number;
  /** Attempts per fetch for transient failures; default 3. */
  maxAttempts?: number;
  /** Backoff between attempts: random(0, min(backoffMaxMs, backoffBaseMs · 2ⁿ)); defaults 200 / 2 000. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** The circuit opens for this long after a failed fetch, doubling up to the max; defaults 1 000 / 30 000. */
  circuitCooldownMs?: number;
  circuitMaxCooldownMs?: number;
  /** Rejected credentials or scope are not retried for this long; default 5 000. */
  negativeCacheMs?: number;
  /** At most one forced refresh per key after a 401 from a resource server in this window; default 5 000. */
  forcedRefreshIntervalMs?: number;
  /** Distinct scope sets kept (LRU); default 100. */
  maxCacheKeys?: number;

  /** Test seams. */
  clock?: Clock;
  random?: () => number;
  logger?: ServiceTokenLogger;
}

export type ServiceTokenCredential =
  | { kind: 'secret'; secret: string }
  | { kind: 'secret-file'; path: string }
  | { kind: 'secret-provider'; provide: () => string | Promise<string> }
  | {
      kind: 'private-key';
      key: string | KeyObject | JWK;
      keyId?: string;
      algorithm: AssertionAlgorithm;
      audience: string;
    };

/** Options after validation, with every default filled in. */
export interface ResolvedServiceTokenOptions {
  tokenEndpoint: string;
  clientId: string;
  credential: ServiceTokenCredential;
  authMethod: ServiceTokenAuthMethod;
  /** Normalised: sorted, de-duplicated, space-separated; `''` for none. */
  scope: string;
  refreshAheadMs: number;
  minValidityMs: number;
  jitterRatio: number;
  defaultLifetimeMs: number;
  waitTimeoutMs: number;
  attemptTimeoutMs: number;
  totalTimeoutMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  circuitCooldownMs: number;
  circuitMaxCooldownMs: number;
  negativeCacheMs: number;
  forcedRefreshIntervalMs: number;
  maxCacheKeys: number;
  clock: Clock;
  random: () => number;
  logger?: ServiceTokenLogger;
}

export const SERVICE_TOKEN_DEFAULTS = {
  refreshAheadMs: 60_000,
  minValidityMs: 10_000,
  jitterRatio: 0.1,
  defaultLifetimeMs: 60_000,
  waitTimeoutMs: 15_000,
  attemptTimeoutMs: 5_000,
  totalTimeoutMs: 10_000,
  maxAttempts: 3,
  backoffBaseMs: 200,
  backoffMaxMs: 2_000,
  circuitCooldownMs: 1_000,
  circuitMaxCooldownMs: 30_000,
  negativeCacheMs: 5_000,
  forcedRefreshIntervalMs: 5_000,
  maxCacheKeys: 100,
} as const;

type NumericOption = keyof typeof SERVICE_TOKEN_DEFAULTS;
const INTEGER_OPTIONS: readonly NumericOption[] = ['maxAttempts', 'maxCacheKeys'];

/** Space-separated, sorted, de-duplicated scope list (`''` for none). */
export function normalizeScope(scope: string | readonly string[] | undefined): string {
  const list = typeof scope === 'string' ? scope.split(/\s+/) : (scope ?? []);
  return [...new Set(list.map((s) => s.trim()).filter(Boolean))].sort().join(' ');
}

/**
 * Validates options and fills in defaults. Throws `ServiceTokenConfigError` listing every
 * problem; messages name options, never their secret values.
 */
export function resolveServiceTokenOptions(
  options: ServiceTokenOptions,
): ResolvedServiceTokenOptions {
  const problems: string[] = [];
  const o = (options ?? {}) as Partial<ServiceTokenOptions>;

  const tokenEndpoint = endpointFrom(o, problems);
  if (typeof o.clientId !== 'string' || o.clientId.trim() === '') {
    problems.push('clientId: must be a non-empty string');
  }
  const credential = credentialFrom(o, tokenEndpoint, problems);
  const authMethod = authMethodFrom(o, credential, problems);
  if (
    o.scope !== undefined &&
    typeof o.scope !== 'string' &&
    !(Array.isArray(o.scope) && o.scope.every((s) => typeof s === 'string'))
  ) {
    problems.push('scope: must be a string or an array of strings');
  }

  const numbers = {} as Record<NumericOption, number>;
  for (const key of Object.keys(SERVICE_TOKEN_DEFAULTS) as NumericOption[]) {
    const integer = INTEGER_OPTIONS.includes(key);
    numbers[key] = numberOption(problems, key, o[key], SERVICE_TOKEN_DEFAULTS[key], {
      min: integer ? 1 : 0,
      integer,
    });
  }
  if (numbers.minValidityMs >= numbers.refreshAheadMs) {
    problems.push('minValidityMs: must be less than refreshAheadMs');
  }
  if (numbers.jitterRatio >= 1) problems.push('jitterRatio: must be less than 1');
  if (numbers.attemptTimeoutMs > numbers.totalTimeoutMs) {
    problems.push('attemptTimeoutMs: must not exceed totalTimeoutMs');
  }
  if (numbers.backoffBaseMs > numbers.backoffMaxMs) {
    problems.push('backoffBaseMs: must not exceed backoffMaxMs');
  }
  if (numbers.circuitCooldownMs > numbers.circuitMaxCooldownMs) {
    problems.push('circuitCooldownMs: must not exceed circuitMaxCooldownMs');
  }
  for (const key of ['attemptTimeoutMs', 'totalTimeoutMs', 'waitTimeoutMs'] as const) {
    if (numbers[key] === 0) problems.push(`${key}: must be greater than 0`);
  }
  if (o.random !== undefined && typeof o.random !== 'function') {
    problems.push('random: must be a function');
  }
  const clock = clockOption(problems, o.clock);

  if (problems.length > 0) throw new ServiceTokenConfigError(problems);
  return {
    tokenEndpoint: tokenEndpoint!,
    clientId: o.clientId!,
    credential: credential!,
    authMethod,
    scope: normalizeScope(o.scope),
    ...numbers,
    clock,
    random: o.random ?? Math.random,
    logger: o.logger,
  };
}

function endpointFrom(o: Partial<ServiceTokenOptions>, problems: string[]): string | undefined {
  if ((o.realmUrl === undefined) === (o.tokenEndpoint === undefined)) {
    problems.push('realmUrl / tokenEndpoint: exactly one must be set');
    return undefined;
  }
  if (o.realmUrl !== undefined) return realmUrlOption(problems, 'realmUrl', o.realmUrl)?.token;
  if (!isHttpUrl(o.tokenEndpoint)) {
    problems.push('tokenEndpoint: must be an absolute http(s) URL');
    return undefined;
  }
  return o.tokenEndpoint;
}

function credentialFrom(
  o: Partial<ServiceTokenOptions>,
  tokenEndpoint: string | undefined,
  problems: string[],
): ServiceTokenCredential | undefined {
  const given = (
    ['clientSecret', 'clientSecretFile', 'clientSecretProvider', 'privateKey'] as const
  ).filter((key) => o[key] !== undefined);
  if (given.length !== 1) {
    problems.push(
      `clientSecret / clientSecretFile / clientSecretProvider / privateKey: exactly one must be set (${given.length === 0 ? 'none is' : `${given.join(', ')} are`})`,
    );
    return undefined;
  }
  switch (given[0]) {
    case 'clientSecret':
      if (typeof o.clientSecret !== 'string' || o.clientSecret === '') {
        problems.push('clientSecret: must be a non-empty string');
        return undefined;
      }
      return { kind: 'secret', secret: o.clientSecret };
    case 'clientSecretFile':
      if (typeof o.clientSecretFile !== 'string' || o.clientSecretFile.trim() === '') {
        problems.push('clientSecretFile: must be a file path');
        return undefined;
      }
      return { kind: 'secret-file', path: o.clientSecretFile };
    case 'clientSecretProvider':
      if (typeof o.clientSecretProvider !== 'function') {
        problems.push('clientSecretProvider: must be a function returning the secret');
        return undefined;
      }
      return { kind: 'secret-provider', provide: o.clientSecretProvider };
    case 'privateKey': {
      const algorithm = o.privateKeyAlgorithm ?? 'RS256';
      if (!ASSERTION_ALGORITHMS.includes(algorithm)) {
        problems.push(`privateKeyAlgorithm: must be one of ${ASSERTION_ALGORITHMS.join(', ')}`);
      }
      if (!isPrivateKey(o.privateKey)) {
        problems.push(
          'privateKey: must be a PKCS#8 PEM string, a private KeyObject or a private JWK',
        );
      }
      if (o.assertionAudience !== undefined && !isHttpUrl(o.assertionAudience)) {
        problems.push('assertionAudience: must be an absolute http(s) URL');
      }
      return {
        kind: 'private-key',
        key: o.privateKey!,
        keyId: o.privateKeyId,
        algorithm,
        audience: o.assertionAudience ?? tokenEndpoint ?? '',
      };
    }
  }
}

function authMethodFrom(
  o: Partial<ServiceTokenOptions>,
  credential: ServiceTokenCredential | undefined,
  problems: string[],
): ServiceTokenAuthMethod {
  const usesKey = credential?.kind === 'private-key';
  const method = o.authMethod ?? (usesKey ? 'private_key_jwt' : 'client_secret_basic');
  const methods: ServiceTokenAuthMethod[] = [
    'client_secret_basic',
    'client_secret_post',
    'private_key_jwt',
  ];
  if (!methods.includes(method)) {
    problems.push(`authMethod: must be one of ${methods.join(', ')}`);
  } else if (credential && usesKey !== (method === 'private_key_jwt')) {
    problems.push(
      usesKey
        ? 'authMethod: a privateKey is only used with private_key_jwt'
        : 'authMethod: private_key_jwt needs privateKey instead of a client secret',
    );
  }
  return method;
}

function isPrivateKey(key: unknown): boolean {
  if (typeof key === 'string') return /-----BEGIN PRIVATE KEY-----/.test(key);
  if (typeof key !== 'object' || key === null) return false;
  if ('asymmetricKeyType' in key && 'type' in key) return (key as KeyObject).type === 'private';
  return typeof (key as JWK).kty === 'string' && typeof (key as JWK).d === 'string';
}
