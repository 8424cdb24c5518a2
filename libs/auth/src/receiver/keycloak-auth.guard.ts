import { HttpException, Inject, Injectable, Logger, type ExecutionContext } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { authorize, type AccessPolicy } from './access-policy.js';
import type { AuthenticatedPrincipal } from './authenticated-principal.js';
import { extractBearerToken, type CredentialRequest } from './bearer-credentials.js';
import type { AcceptedToken } from './claim-policy.js';
import { JwksKeyProvider } from './jwks-key-provider.js';
import {
  ACCESS_POLICY,
  KEYCLOAK_STRATEGY,
  RESOLVED_KEYCLOAK_AUTH_OPTIONS,
} from './keycloak-auth.constants.js';
import {
  InvalidTokenError,
  KeycloakAuthError,
  KeySetUnavailableError,
  RouteNotDeclaredError,
  UnsupportedContextError,
} from './keycloak-auth.errors.js';
import { KeycloakAuthEvents } from './keycloak-auth.events.js';
import type { ResolvedKeycloakAuthOptions } from './keycloak-auth.options.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/** The request as the guard sees it; `user` receives the AuthenticatedPrincipal. */
export type AuthenticatingRequest = CredentialRequest & {
  method?: string;
  user?: AuthenticatedPrincipal;
};

/** A route without a declaration: refused, whatever the caller sends. */
const UNDECLARED = Symbol('undeclared');

/**
 * The Passport recipe's guard (ADR 0018): `AuthGuard('keycloak')`, deny by default. Register it
 * as the app's global guard (`{ provide: APP_GUARD, useExisting: KeycloakAuthGuard }`) or on
 * controllers with `@UseGuards(KeycloakAuthGuard)`.
 *
 * A route must declare @ServiceAuth, @UserAuth or @Public, or it is refused. For the first two
 * the bearer token is read strictly (`getBearerToken`); a token verified before is served from
 * the verified-token cache without running Passport, any other goes through Passport to
 * KeycloakJwtStrategy; then the route's policy is applied (`authorize`). Every failure becomes
 * an RFC 6750 response (`handleRequest`, ADR 0007), its reason logged without the token.
 * Non-HTTP contexts are refused.
 *
 * Extend it by overriding the protected hooks: `getAccessPolicy`, `getBearerToken`,
 * `authorize`; and `getRequest` / `handleRequest` as with any `AuthGuard`.
 */
@Injectable()
export class KeycloakAuthGuard extends AuthGuard(KEYCLOAK_STRATEGY) {
  protected readonly logger = new Logger('KeycloakAuth');
  /** Route policies by controller class, then handler (a subclass may declare another one). */
  private readonly policies = new WeakMap<
    object,
    WeakMap<object, AccessPolicy | typeof UNDECLARED>
  >();
  private readonly reportedRoutes = new WeakSet<object>();

  constructor(
    @Inject(RESOLVED_KEYCLOAK_AUTH_OPTIONS)
    protected readonly settings: ResolvedKeycloakAuthOptions,
    protected readonly reflector: Reflector,
    private readonly adapterHost: HttpAdapterHost,
    private readonly verifiedTokens: VerifiedTokenCache,
    private readonly keys: JwksKeyProvider,
    private readonly events: KeycloakAuthEvents,
  ) {
    super();
  }

  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') throw new UnsupportedContextError(context.getType());
    const policy = this.getAccessPolicy(context);
    if (policy?.kind === 'public') return true;
    const request = this.getRequest(context);
    let token: string;
    try {
      if (!policy) throw this.routeNotDeclared(context);
      token = this.getBearerToken(request);
    } catch (error) {
      return this.reject(context, error);
    }
    // A key set too old to trust (ADR 0023) is refreshed before a cached verification is reused.
    const revalidating = this.keys.refreshIfDue();
    if (revalidating) return revalidating.then(() => this.authenticate(context, request, token));
    return this.authenticate(context, request, token);
  }

  /**
   * A token verified before skips Passport: its run costs more than the whole lookup (ADR 0018);
   * any other token goes through Passport.
   */
  private authenticate(
    context: ExecutionContext,
    request: AuthenticatingRequest,
    token: string,
  ): boolean | Promise<boolean> {
    const known = this.verifiedTokens.get(token);
    if (known) {
      request.user = this.admit(context, known, 'hit');
      return true;
    }
    return (super.canActivate(context) as Promise<boolean>).catch((error: unknown) => {
      if (error instanceof HttpException) throw error;
      return this.reject(context, error, 'miss');
    });
  }

  /** The request Passport authenticates and the principal is attached to. */
  override getRequest(context: ExecutionContext): AuthenticatingRequest {
    return context.switchToHttp().getRequest<AuthenticatingRequest>();
  }

  /**
   * Passport's outcome for a token not verified before: the principal, cached and authorized,
   * or the RFC 6750 response for whatever failed.
   */
  override handleRequest<TUser = AuthenticatedPrincipal>(
    error: unknown,
    accepted: AcceptedToken | false | undefined,
    info: unknown,
    context: ExecutionContext,
  ): TUser {
    if (error || !accepted) {
      const failure = error ?? info;
      return this.reject(
        context,
        failure instanceof KeycloakAuthError
          ? failure
          : new InvalidTokenError('signature', { cause: failure }),
        'miss',
      );
    }
    this.verifiedTokens.set(this.getBearerToken(this.getRequest(context)), accepted);
    return this.admit(context, accepted, 'miss') as TUser;
  }

  /**
   * What the route accepts, from @ServiceAuth, @UserAuth or @Public on the handler or its class;
   * undefined when it declares nothing. Read once per route.
   */
  protected getAccessPolicy(context: ExecutionContext): AccessPolicy | undefined {
    const handler = context.getHandler();
    const controller = context.getClass();
    let routes = this.policies.get(controller);
    if (!routes) this.policies.set(controller, (routes = new WeakMap()));
    let policy = routes.get(handler);
    if (policy === undefined) {
      policy =
        this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [
          handler,
          controller,
        ]) ?? UNDECLARED;
      routes.set(handler, policy);
    }
    return policy === UNDECLARED ? undefined : policy;
  }

  /**
   * The bearer token, from the Authorization header only and strictly (RFC 6750 §2.1); throws
   * the KeycloakAuthError that says what is wrong with the request's credentials.
   */
  protected getBearerToken(request: AuthenticatingRequest): string {
    return extractBearerToken(request, this.settings.maxTokenBytes);
  }

  /**
   * Whether a verified principal may use the route: the right kind of token, an allowed caller,
   * every role; throws InsufficientScopeError (403) otherwise. Extend it to add checks of your
   * own: an HttpException thrown here is answered as it is.
   */
  protected authorize(
    principal: AuthenticatedPrincipal,
    policy: AccessPolicy,
    _context: ExecutionContext,
  ): void {
    authorize(principal, policy);
  }

  /** Applies the route's policy to a verified token; returns the principal for the request. */
  private admit(
    context: ExecutionContext,
    accepted: AcceptedToken,
    cache: 'hit' | 'miss',
  ): AuthenticatedPrincipal {
    const { principal } = accepted;
    try {
      this.authorize(principal, this.getAccessPolicy(context)!, context);
    } catch (error) {
      // A subclass's own refusal goes out as it is; ours become RFC 6750 answers.
      if (error instanceof HttpException) throw error;
      this.reject(context, error, cache, principal.caller);
    }
    if (this.events.observed) {
      this.events.emit({
        type: 'validation',
        outcome: 'accepted',
        cache,
        caller: principal.caller,
      });
    }
    return principal;
  }

  private routeNotDeclared(context: ExecutionContext): RouteNotDeclaredError {
    const error = new RouteNotDeclaredError(
      `${context.getClass().name}.${context.getHandler().name}`,
    );
    if (!this.reportedRoutes.has(context.getHandler())) {
      this.reportedRoutes.add(context.getHandler());
      this.logger.error(error.message);
    }
    return error;
  }

  /** Turns a failure into the RFC 6750 response: status, WWW-Authenticate / Retry-After, JSON body. */
  private reject(
    context: ExecutionContext,
    failure: unknown,
    cache?: 'hit' | 'miss',
    caller?: string,
  ): never {
    const error =
      failure instanceof KeycloakAuthError
        ? failure
        : new InvalidTokenError('unexpected', { cause: failure });
    const request = this.getRequest(context);
    const response: unknown = context.switchToHttp().getResponse();
    const adapter = this.adapterHost.httpAdapter;
    const challenge = error.challenge(this.settings.realm);
    if (challenge) adapter.setHeader(response, 'WWW-Authenticate', challenge);
    if (error instanceof KeySetUnavailableError) {
      adapter.setHeader(response, 'Retry-After', String(error.retryAfterSeconds));
    }
    const path = (request.originalUrl ?? request.url ?? '').split('?')[0];
    const detail = {
      code: error.code,
      reason: error.reason,
      status: error.status,
      method: request.method,
      path,
      ...(caller && { caller }),
    };
    if (error.status >= 500 || error.reason === 'unexpected') {
      this.logger.error({ message: 'Request refused', ...detail, cause: describe(error.cause) });
    } else if (error.reason !== 'route_not_declared') {
      this.logger.warn({ message: 'Request refused', ...detail });
    }
    if (this.events.observed) {
      this.events.emit({
        type: 'validation',
        outcome: 'rejected',
        status: error.status,
        code: error.code,
        reason: error.reason,
        ...(cache && { cache }),
        ...(caller && { caller }),
      });
    }
    throw new HttpException(
      { statusCode: error.status, code: error.code, message: error.publicMessage },
      error.status,
      { cause: error },
    );
  }
}

/** The class and code of a cause, never its message (which could quote token content). */
function describe(cause: unknown): string | undefined {
  if (!(cause instanceof Error)) return undefined;
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' ? `${cause.name} ${code}` : cause.name;
}
