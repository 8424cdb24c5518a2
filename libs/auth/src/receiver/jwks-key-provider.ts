import { createPublicKey, type KeyObject } from 'node:crypto';
import { JwksClient } from 'jwks-rsa';
import type { AsymmetricAlgorithm } from '../shared/jws-algorithms.js';
import { InvalidTokenError, KeySetUnavailableError } from './keycloak-auth.errors.js';
import type { KeycloakAuthEvents } from './keycloak-auth.events.js';
import type { ResolvedKeycloakAuthOptions } from './keycloak-auth.options.js';

/** One verification key from the JWKS, parsed once into a KeyObject. */
interface HeldKey {
  readonly key: KeyObject;
  /** The JWK's `alg`, when it names one: tokens must then use exactly that algorithm. */
  readonly alg?: string;
}

interface KeySet {
  readonly keys: ReadonlyMap<string, HeldKey>;
  readonly fingerprint: string;
  readonly fetchedAt: number;
}

/** A snapshot for health checks and diagnostics. */
export interface KeySetStatus {
  readonly usable: boolean;
  readonly keys: number;
  readonly ageSeconds?: number;
}

/** Fetches the raw `keys` array of a JWKS document. */
export type JwksFetcher = () => Promise<unknown>;

type ProviderOptions = Pick<
  ResolvedKeycloakAuthOptions,
  | 'jwksUri'
  | 'jwksTimeoutMs'
  | 'jwksMaxAgeMs'
  | 'jwksCooldownMs'
  | 'jwksMaxStaleMs'
  | 'algorithms'
  | 'clock'
>;

const MIN_RSA_BITS = 2048;
const CURVES: Record<string, string> = {
  ES256: 'prime256v1',
  ES384: 'secp384r1',
  ES512: 'secp521r1',
};

/** The first wait after an unknown-`kid` fetch that brought no new key; it doubles up to the cooldown. */
const FIRST_UNKNOWN_KID_WAIT_MS = 1000;

/**
 * Holds the realm's verification keys as parsed KeyObjects and decides when to (re)fetch them
 * (ADR 0023).
 *
 * - The whole key set is fetched through jwks-rsa (HTTP with a timeout), one request at a time.
 * - Only `use: "sig"` keys of a type the allowed algorithms need, RSA of at least 2048 bits.
 * - After `jwksMaxAgeMs` the next request starts a refresh while the held keys keep serving;
 *   past twice that age (the service was idle) the request waits for the refresh first, so a key
 *   that left the realm is never honoured longer than twice the max age.
 * - An unknown `kid` fetches at once, unless recent unknown-`kid` fetches brought no new key:
 *   then the wait after the latest fetch doubles from one second up to `jwksCooldownMs`, and is
 *   forgotten when a fetch brings a new key or after two quiet cooldowns.
 * - When the endpoint fails, held keys stay in use up to `jwksMaxStaleMs` past their max age (no
 *   waiting on a refresh), and the next attempt comes one cooldown later; only when no usable set
 *   is held and none can be fetched does `getKey` throw KeySetUnavailableError.
 */
export class JwksKeyProvider {
  private keySet?: KeySet;
  private inFlight?: Promise<void>;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private lastAttemptFailed = false;
  /** Wait after the latest fetch before an unknown `kid` may start another (0: at once). */
  private unknownKidWaitMs = 0;
  private lastUnknownKidFetchAt = Number.NEGATIVE_INFINITY;
  /** Whether a request with an unknown `kid` started or joined the fetch in flight. */
  private unknownKidAsked = false;
  private readonly changeListeners = new Set<() => void>();
  private readonly fetchKeys: JwksFetcher;

  constructor(
    private readonly options: ProviderOptions,
    private readonly events?: KeycloakAuthEvents,
    fetchKeys?: JwksFetcher,
  ) {
    const client = new JwksClient({
      jwksUri: options.jwksUri,
      timeout: options.jwksTimeoutMs,
      cache: false,
      rateLimit: false,
    });
    this.fetchKeys = fetchKeys ?? (() => client.getKeys());
  }

  /** Called whenever the set of keys actually changes (not on a refresh that returns the same keys). */
  onKeySetChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /**
   * The key for a token's `kid` and `alg`. Synchronous on the common path (key held, set fresh),
   * a Promise when a fetch must be awaited.
   */
  getKey(kid: string, alg: AsymmetricAlgorithm): KeyObject | Promise<KeyObject> {
    const now = this.options.clock.now();
    const set = this.keySet;
    if (set && this.isUsable(set, now)) {
      if (this.refreshIfDue(now)) return this.getKeyAfterFetch(kid, alg);
      const held = set.keys.get(kid);
      if (held) return this.checkAlgorithm(held, alg);
      if (!this.inFlight && !this.mayFetchForUnknownKid(now)) {
        throw new InvalidTokenError('kid_unknown');
      }
      this.unknownKidAsked = true;
    }
    return this.getKeyAfterFetch(kid, alg);
  }

  /**
   * Starts a refresh when the held set is older than `jwksMaxAgeMs` (and no fetch is in flight
   * or cooling down after a failure). Cheap; the guard calls it on cache hits too, so a key
   * removed from the JWKS stops being trusted even while every request is served from the token
   * cache. Returns the refresh when the caller must wait for it: the set is older than twice
   * the max age and the last attempt did not fail.
   */
  refreshIfDue(now = this.options.clock.now()): Promise<void> | undefined {
    const set = this.keySet;
    if (!set) return undefined;
    const age = now - set.fetchedAt;
    if (age <= this.options.jwksMaxAgeMs) return undefined;
    if (!this.inFlight && !this.mayFetch(now)) return undefined;
    const refresh = this.refresh().catch(() => undefined);
    return age > 2 * this.options.jwksMaxAgeMs && !this.lastAttemptFailed ? refresh : undefined;
  }

  /** Whether a usable key set is held now, or can be fetched now (for readiness checks). */
  async ensureUsable(): Promise<KeySetStatus> {
    const now = this.options.clock.now();
    if (
      !(this.keySet && this.isUsable(this.keySet, now)) &&
      (this.inFlight || this.mayFetch(now))
    ) {
      await this.refresh().catch(() => undefined);
    }
    return this.status();
  }

  status(): KeySetStatus {
    const now = this.options.clock.now();
    const set = this.keySet;
    if (!set) return { usable: false, keys: 0 };
    return {
      usable: this.isUsable(set, now),
      keys: set.keys.size,
      ageSeconds: Math.floor((now - set.fetchedAt) / 1000),
    };
  }

  private async getKeyAfterFetch(kid: string, alg: AsymmetricAlgorithm): Promise<KeyObject> {
    const now = this.options.clock.now();
    let failure: unknown;
    if (this.inFlight || this.mayFetch(now)) {
      await this.refresh().catch((error: unknown) => (failure = error));
    }
    const set = this.keySet;
    if (!set || !this.isUsable(set, this.options.clock.now())) {
      const retryAt = this.lastAttemptAt + this.options.jwksCooldownMs;
      throw new KeySetUnavailableError(
        Math.max(1, Math.ceil((retryAt - this.options.clock.now()) / 1000)),
        {
          cause: failure,
        },
      );
    }
    const held = set.keys.get(kid);
    if (!held) throw new InvalidTokenError('kid_unknown');
    return this.checkAlgorithm(held, alg);
  }

  private checkAlgorithm(held: HeldKey, alg: AsymmetricAlgorithm): KeyObject {
    if (held.alg !== undefined && held.alg !== alg) throw new InvalidTokenError('key_mismatch');
    const type = held.key.asymmetricKeyType;
    const fits = alg.startsWith('ES')
      ? type === 'ec' && held.key.asymmetricKeyDetails?.namedCurve === CURVES[alg]
      : type === 'rsa';
    if (!fits) throw new InvalidTokenError('key_mismatch');
    return held.key;
  }

  private isUsable(set: KeySet, now: number): boolean {
    return now - set.fetchedAt <= this.options.jwksMaxAgeMs + this.options.jwksMaxStaleMs;
  }

  /** A refresh may start: nothing in flight, and no failure within the cooldown. */
  private mayFetch(now: number): boolean {
    return (
      !this.inFlight &&
      (!this.lastAttemptFailed || now - this.lastAttemptAt >= this.options.jwksCooldownMs)
    );
  }

  /** An unknown `kid` may start a fetch: as `mayFetch`, and the unknown-`kid` wait has passed. */
  private mayFetchForUnknownKid(now: number): boolean {
    if (!this.mayFetch(now)) return false;
    if (now - this.lastUnknownKidFetchAt > 2 * this.options.jwksCooldownMs) {
      this.unknownKidWaitMs = 0;
    }
    return now - this.lastAttemptAt >= this.unknownKidWaitMs;
  }

  /** One fetch at a time: concurrent callers share the same promise (single flight). */
  private refresh(): Promise<void> {
    this.inFlight ??= this.fetchAndReplace().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async fetchAndReplace(): Promise<void> {
    this.lastAttemptAt = this.options.clock.now();
    let keys: Map<string, HeldKey>;
    try {
      keys = this.parse(await this.fetchKeys());
    } catch (error) {
      this.lastAttemptFailed = true;
      this.unknownKidAsked = false;
      this.events?.emit({
        type: 'jwks_fetch',
        outcome: 'failure',
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
    this.lastAttemptFailed = false;
    const fingerprint = [...keys.keys()]
      .sort()
      .map(
        (kid) =>
          `${kid}:${keys.get(kid)!.key.export({ format: 'der', type: 'spki' }).toString('base64')}`,
      )
      .join(',');
    const previous = this.keySet;
    const changed = fingerprint !== previous?.fingerprint;
    const broughtNewKey = [...keys.keys()].some((kid) => !previous?.keys.has(kid));
    if (broughtNewKey) {
      this.unknownKidWaitMs = 0;
    } else if (this.unknownKidAsked) {
      this.unknownKidWaitMs = Math.min(
        this.options.jwksCooldownMs,
        this.unknownKidWaitMs === 0 ? FIRST_UNKNOWN_KID_WAIT_MS : 2 * this.unknownKidWaitMs,
      );
    }
    if (this.unknownKidAsked) this.lastUnknownKidFetchAt = this.lastAttemptAt;
    this.unknownKidAsked = false;
    this.keySet = { keys, fingerprint, fetchedAt: this.options.clock.now() };
    this.events?.emit({ type: 'jwks_fetch', outcome: 'success', keys: keys.size, changed });
    if (changed) this.changeListeners.forEach((listener) => listener());
  }

  /** Keeps the JWKs this receiver may verify with; throws when none is left. */
  private parse(jwks: unknown): Map<string, HeldKey> {
    if (!Array.isArray(jwks)) throw new TypeError('The JWKS document has no "keys" array');
    const wantRsa = this.options.algorithms.some((alg) => !alg.startsWith('ES'));
    const wantEc = this.options.algorithms.some((alg) => alg.startsWith('ES'));
    const keys = new Map<string, HeldKey>();
    for (const jwk of jwks as Array<Record<string, unknown>>) {
      if (typeof jwk !== 'object' || jwk === null || jwk.use !== 'sig') continue;
      if (typeof jwk.kid !== 'string' || jwk.kid === '' || keys.has(jwk.kid)) continue;
      if (!((jwk.kty === 'RSA' && wantRsa) || (jwk.kty === 'EC' && wantEc))) continue;
      if (
        jwk.alg !== undefined &&
        !(this.options.algorithms as readonly unknown[]).includes(jwk.alg)
      )
        continue;
      let key: KeyObject;
      try {
        key = createPublicKey({ key: jwk, format: 'jwk' });
      } catch {
        continue;
      }
      if (
        key.asymmetricKeyType === 'rsa' &&
        (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS
      )
        continue;
      keys.set(jwk.kid, { key, ...(typeof jwk.alg === 'string' && { alg: jwk.alg }) });
    }
    if (keys.size === 0) throw new TypeError('The JWKS document holds no usable signing key');
    return keys;
  }
}
