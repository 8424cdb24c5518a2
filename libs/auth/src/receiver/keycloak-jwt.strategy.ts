import type { KeyObject } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import passport from 'passport';
import { Strategy } from 'passport-jwt';
import {
  assertB64Token,
  extractBearerToken,
  type CredentialRequest,
} from './bearer-credentials.js';
import { ClaimPolicy, type AcceptedToken } from './claim-policy.js';
import { decodeCompactJws } from './compact-jws.js';
import { JwksKeyProvider } from './jwks-key-provider.js';
import { KEYCLOAK_STRATEGY, RESOLVED_KEYCLOAK_AUTH_OPTIONS } from './keycloak-auth.constants.js';
import { KeycloakAuthConfigError } from './keycloak-auth.errors.js';
import type { ResolvedKeycloakAuthOptions } from './keycloak-auth.options.js';

type KeyCallback = (error: unknown, key?: string | Buffer) => void;

/** The registration of the strategy Passport holds under KEYCLOAK_STRATEGY, while its app runs. */
let registered: symbol | undefined;

/**
 * The Passport recipe's strategy (ADR 0018): passport-jwt, with our pieces behind it.
 *
 * - `jwtFromRequest`: the bearer token of the Authorization header, read strictly (RFC 6750
 *   §2.1); the guard has already refused every other way of sending one.
 * - `secretOrKeyProvider`: strict compact-JWS parsing, the header rules of ClaimPolicy, and the
 *   key from JwksKeyProvider as a parsed KeyObject (never a PEM parsed again per request).
 * - jsonwebtoken checks the algorithm and the signature; `validate()` is the claim policy,
 *   against the injected clock. Time claims are ClaimPolicy's (it requires `exp`, which
 *   jsonwebtoken checks only when present), hence `ignoreExpiration` and `ignoreNotBefore`.
 *
 * Passport's registry of strategies is global, by name: one KeycloakAuthModule per process.
 * A second one created while the first still runs would share its strategy, so it refuses to
 * start instead.
 */
@Injectable()
export class KeycloakJwtStrategy
  extends PassportStrategy(Strategy, KEYCLOAK_STRATEGY)
  implements OnModuleDestroy
{
  private readonly registration = Symbol(KEYCLOAK_STRATEGY);

  constructor(
    @Inject(RESOLVED_KEYCLOAK_AUTH_OPTIONS) private readonly options: ResolvedKeycloakAuthOptions,
    private readonly policy: ClaimPolicy,
    keys: JwksKeyProvider,
  ) {
    if (registered) {
      throw new KeycloakAuthConfigError([
        `another KeycloakAuthModule is running in this process: Passport holds one "${KEYCLOAK_STRATEGY}" strategy (close the other application first)`,
      ]);
    }
    super({
      jwtFromRequest: (request: CredentialRequest) => {
        try {
          return extractBearerToken(request, options.maxTokenBytes);
        } catch {
          return null;
        }
      },
      secretOrKeyProvider: (_request: unknown, token: string, done: KeyCallback) => {
        try {
          assertB64Token(token);
          const { alg, kid } = policy.checkHeader(decodeCompactJws(token).header);
          const key = keys.getKey(kid, alg);
          if (key instanceof Promise) key.then((resolved) => done(null, asSecret(resolved)), done);
          else done(null, asSecret(key));
        } catch (error) {
          done(error);
        }
      },
      algorithms: [...options.algorithms],
      ignoreExpiration: true,
      jsonWebTokenOptions: { ignoreNotBefore: true },
    });
    registered = this.registration;
  }

  /** The claim policy: what makes a token with a valid signature acceptable. */
  validate(claims: Record<string, unknown>): AcceptedToken {
    return this.policy.evaluate(claims, this.options.clock.now());
  }

  onModuleDestroy(): void {
    if (registered !== this.registration) return;
    passport.unuse(KEYCLOAK_STRATEGY);
    registered = undefined;
  }
}

/**
 * passport-jwt types the key as a PEM string or Buffer; jsonwebtoken, which it hands the key to,
 * takes a KeyObject as well, and a parsed one saves parsing the PEM on every request (ADR 0006).
 */
function asSecret(key: KeyObject): string | Buffer {
  return key as unknown as Buffer;
}
