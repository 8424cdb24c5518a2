import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { KeyObject } from 'node:crypto';
import passport from 'passport';
import { Strategy, type JwtFromRequestFunction, type SecretOrKeyProvider } from 'passport-jwt';
import { ClaimPolicy, type AcceptedToken } from './claim-policy.js';
import { decodeCompactJws } from './compact-jws.js';
import { JwksKeyProvider } from './jwks-key-provider.js';
import { RESOLVED_SERVICE_AUTH_OPTIONS, SERVICE_AUTH_STRATEGY } from './service-auth.constants.js';
import { InvalidTokenError, ServiceAuthError } from './service-auth.errors.js';
import type { ResolvedServiceAuthOptions } from './service-auth.options.js';

/** What Passport runs on: the token the guard already extracted, not the HTTP request. */
interface Verification {
  readonly token: string;
}

type KeyCallback = (error: unknown, key?: KeyObject) => void;

/** passport-jwt is typed for Express requests and PEM keys; it runs on envelopes and KeyObjects here. */
const tokenOfVerification = ((verification: Verification) =>
  verification.token) as unknown as JwtFromRequestFunction;

/**
 * The passport-jwt strategy: strict compact-JWS parsing and header rules, the key from
 * JwksKeyProvider (a parsed KeyObject, never a PEM re-parsed per request), the signature checked
 * by jsonwebtoken, then every claim by ClaimPolicy against the injected clock.
 */
@Injectable()
export class ServiceAuthStrategy extends PassportStrategy(Strategy, SERVICE_AUTH_STRATEGY) {
  constructor(
    @Inject(RESOLVED_SERVICE_AUTH_OPTIONS) private readonly options: ResolvedServiceAuthOptions,
    private readonly policy: ClaimPolicy,
    keyProvider: JwksKeyProvider,
  ) {
    super({
      jwtFromRequest: tokenOfVerification,
      secretOrKeyProvider: ((_verification: Verification, token: string, done: KeyCallback) => {
        try {
          const { alg, kid } = policy.checkHeader(decodeCompactJws(token).header);
          const key = keyProvider.getKey(kid, alg);
          if (key instanceof Promise) key.then((resolved) => done(null, resolved), done);
          else done(null, key);
        } catch (error) {
          done(error);
        }
      }) as unknown as SecretOrKeyProvider,
      algorithms: [...options.algorithms],
      // Time claims are ClaimPolicy's: it requires exp (jsonwebtoken only checks it when present)
      // and reads the injected clock. jsonwebtoken checks the signature and the algorithm.
      ignoreExpiration: true,
      jsonWebTokenOptions: { ignoreNotBefore: true },
    });
  }

  validate(claims: Record<string, unknown>): AcceptedToken {
    return this.policy.evaluate(claims, this.options.clock());
  }

  /**
   * Runs the strategy through Passport for one token. Each run gets its own strategy object
   * (Passport attaches per-request callbacks to it) and its own envelope, so Passport never
   * decorates the Express or Fastify request.
   */
  verify(token: string): Promise<AcceptedToken> {
    return new Promise((resolve, reject) => {
      const run = passport.authenticate(
        Object.create(this) as passport.Strategy,
        { session: false },
        (error: unknown, accepted: AcceptedToken | false, info: unknown) => {
          if (accepted) return resolve(accepted);
          const failure = error ?? info;
          reject(
            failure instanceof ServiceAuthError
              ? failure
              : new InvalidTokenError('signature', { cause: failure }),
          );
        },
      ) as (request: unknown, response: unknown, next: (error?: unknown) => void) => void;
      run({ token } satisfies Verification, {}, (error?: unknown) =>
        reject(new InvalidTokenError('unexpected', { cause: error })),
      );
    });
  }
}
