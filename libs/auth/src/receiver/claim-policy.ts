import type { AuthenticatedPrincipal } from './authenticated-principal.js';
import type { AsymmetricAlgorithm } from '../shared/jws-algorithms.js';
import type { ResolvedKeycloakAuthOptions } from './keycloak-auth.options.js';
import { InvalidTokenError, type InvalidTokenReason } from './keycloak-auth.errors.js';

/** Header `typ` values accepted: Keycloak's default `JWT` and the RFC 9068 access-token types. */
export const ACCEPTED_HEADER_TYPES: readonly string[] = ['jwt', 'at+jwt', 'application/at+jwt'];

/** Prefix of every Keycloak service-account username (`service-account-<clientId>`). */
export const SERVICE_ACCOUNT_PREFIX = 'service-account-';

/** A principal with the instant after which its verification must not be reused. */
export interface AcceptedToken {
  readonly principal: AuthenticatedPrincipal;
  /** min(`exp`, `iat` + max age) in milliseconds: the verified-token cache never serves past it. */
  readonly reusableUntil: number;
}

type Claims = Readonly<Record<string, unknown>>;

const nonEmptyString = (value: unknown): value is string =>
  typeof value === 'string' && value !== '';
const numericDate = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
const fail = (reason: InvalidTokenReason): never => {
  throw new InvalidTokenError(reason);
};

function roleList(container: unknown): readonly string[] {
  const roles =
    typeof container === 'object' && container !== null
      ? (container as { roles?: unknown }).roles
      : undefined;
  return Object.freeze(
    Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [],
  );
}

/**
 * The claim rules for Keycloak access tokens, framework-free and clock-injected. Everything that
 * makes a signed token acceptable beyond its signature lives here.
 */
export class ClaimPolicy {
  private readonly toleranceMs: number;
  private readonly maxAgeMs: number;

  constructor(
    private readonly options: Pick<
      ResolvedKeycloakAuthOptions,
      'issuer' | 'audience' | 'algorithms' | 'clockToleranceMs' | 'maxTokenAgeMs'
    >,
  ) {
    this.toleranceMs = options.clockToleranceMs;
    this.maxAgeMs = options.maxTokenAgeMs;
  }

  /**
   * JOSE header rules: `alg` in the allow-list (exact), no `crit` (we implement no extension),
   * `typ` JWT / at+jwt / application/at+jwt or absent, a `kid`. `jku`, `x5u`, `jwk` and `x5c` are
   * never read: keys come only from the configured JWKS.
   */
  checkHeader(header: Claims): { alg: AsymmetricAlgorithm; kid: string } {
    const { alg, kid, typ } = header;
    if (typeof alg !== 'string' || !(this.options.algorithms as readonly string[]).includes(alg)) {
      fail('algorithm_not_allowed');
    }
    if (header.crit !== undefined) fail('critical_header');
    if (
      typ !== undefined &&
      !(typeof typ === 'string' && ACCEPTED_HEADER_TYPES.includes(typ.toLowerCase()))
    ) {
      fail('header_type');
    }
    if (!nonEmptyString(kid)) fail('kid_missing');
    return { alg: alg as AsymmetricAlgorithm, kid: kid as string };
  }

  /** Checks the claims of a token whose signature has been verified, at time `now` (ms). */
  evaluate(claims: Claims, now: number): AcceptedToken {
    // Keycloak writes "bearer" when the client sets token.response.type.bearer.lower-case;
    // token types are case-insensitive (RFC 6749 §5.1).
    const { typ } = claims;
    if (typ !== 'Bearer' && !(typeof typ === 'string' && typ.toLowerCase() === 'bearer')) {
      fail('token_type');
    }
    if (claims.iss !== this.options.issuer) fail('issuer');
    const { aud } = claims;
    if (!(
      aud === this.options.audience ||
      (Array.isArray(aud) && aud.includes(this.options.audience))
    )) {
      fail('audience');
    }

    const { exp, nbf, iat } = claims;
    if (!numericDate(exp)) fail('exp_invalid');
    if (now >= (exp as number) * 1000 + this.toleranceMs) fail('expired');
    if (nbf !== undefined) {
      if (!numericDate(nbf)) fail('nbf_invalid');
      if ((nbf as number) * 1000 > now + this.toleranceMs) fail('not_yet_valid');
    }
    if (!numericDate(iat)) fail('iat_invalid');
    if ((iat as number) * 1000 > now + this.toleranceMs) fail('issued_in_future');
    if (now - (iat as number) * 1000 > this.maxAgeMs + this.toleranceMs) fail('too_old');

    const { azp, sub, jti } = claims;
    if (!nonEmptyString(azp)) fail('azp_invalid');
    if (!nonEmptyString(sub)) fail('sub_invalid');
    if (!nonEmptyString(jti)) fail('jti_invalid');

    const username = nonEmptyString(claims.preferred_username)
      ? claims.preferred_username
      : undefined;
    const principal: AuthenticatedPrincipal = Object.freeze({
      kind: this.kindOf(claims.client_id, azp as string, username),
      caller: azp as string,
      subject: sub as string,
      ...(username !== undefined && { username }),
      ...(nonEmptyString(claims.email) && { email: claims.email }),
      roles: roleList(
        (claims.resource_access as Record<string, unknown> | undefined)?.[this.options.audience],
      ),
      realmRoles: roleList(claims.realm_access),
      scopes: Object.freeze(
        typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [],
      ),
      tokenId: jti as string,
      expiresAt: exp as number,
    });
    return {
      principal,
      reusableUntil: Math.min((exp as number) * 1000, (iat as number) * 1000 + this.maxAgeMs),
    };
  }

  /**
   * A service account token has `client_id` equal to `azp` and the username Keycloak derives from
   * it; a user token has neither mark. A token with only one mark (e.g. a service account whose
   * client lacks the `service_account` client scope, so no `client_id`) is refused as ambiguous.
   */
  private kindOf(clientId: unknown, azp: string, username: string | undefined): 'service' | 'user' {
    const serviceName = username?.startsWith(SERVICE_ACCOUNT_PREFIX) ?? false;
    if (clientId === undefined && !serviceName) return 'user';
    if (clientId === azp && username === SERVICE_ACCOUNT_PREFIX + azp.toLowerCase())
      return 'service';
    return fail('account_kind_ambiguous');
  }
}
