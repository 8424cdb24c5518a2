import {
  HttpException,
  Inject,
  Injectable,
  Logger,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { authorize, type AccessPolicy } from './access-policy.js';
import {
  assertB64Token,
  extractBearerToken,
  type CredentialRequest,
} from './bearer-credentials.js';
import type { AcceptedToken } from './claim-policy.js';
import { ACCESS_POLICY, RESOLVED_SERVICE_AUTH_OPTIONS } from './service-auth.constants.js';
import {
  InvalidTokenError,
  KeySetUnavailableError,
  RouteNotDeclaredError,
  ServiceAuthError,
  UnsupportedContextError,
} from './service-auth.errors.js';
import { JwksKeyProvider } from './jwks-key-provider.js';
import { ServiceAuthEvents } from './service-auth.events.js';
import type { ResolvedServiceAuthOptions } from './service-auth.options.js';
import { ServiceAuthStrategy } from './service-auth.strategy.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/** The request as the guard sees it; `user` receives the AuthenticatedPrincipal. */
type GuardedRequest = CredentialRequest & { method?: string; user?: unknown };

/**
 * The global, deny-by-default guard (registered as APP_GUARD by ServiceAuthModule).
 *
 * A route must declare @ServiceAuth, @UserAuth or @Public, or it is refused. For the first two
 * the bearer token is extracted strictly, served from the verified-token cache or verified by the
 * Passport strategy, then checked against the route's policy. Failures become RFC 6750 responses;
 * the reason is logged without the token. Non-HTTP contexts are refused.
 */
@Injectable()
export class ServiceAuthGuard implements CanActivate {
  private readonly logger = new Logger('ServiceAuth');
  private readonly reportedRoutes = new WeakSet<object>();

  constructor(
    @Inject(RESOLVED_SERVICE_AUTH_OPTIONS) private readonly options: ResolvedServiceAuthOptions,
    private readonly reflector: Reflector,
    private readonly adapterHost: HttpAdapterHost,
    private readonly strategy: ServiceAuthStrategy,
    private readonly cache: VerifiedTokenCache,
    private readonly keys: JwksKeyProvider,
    private readonly events: ServiceAuthEvents,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') throw new UnsupportedContextError(context.getType());
    const policy = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (policy?.kind === 'public') return true;

    let token: string;
    try {
      if (!policy) throw this.routeNotDeclared(context);
      token = extractBearerToken(
        context.switchToHttp().getRequest<GuardedRequest>(),
        this.options.maxTokenBytes,
      );
    } catch (error) {
      return this.reject(context, error);
    }
    const cacheKey = VerifiedTokenCache.keyOf(token);
    const cached = this.cache.get(cacheKey);
    if (cached) {
      this.keys.refreshIfDue();
      return this.admit(context, cached, policy, 'hit');
    }
    try {
      assertB64Token(token);
    } catch (error) {
      return this.reject(context, error, 'miss');
    }
    return this.strategy.verify(token).then(
      (accepted) => {
        this.cache.set(cacheKey, accepted);
        return this.admit(context, accepted, policy, 'miss');
      },
      (error: unknown) => this.reject(context, error, 'miss'),
    );
  }

  /** Applies the route's policy to a verified token and hands the principal to the request. */
  private admit(
    context: ExecutionContext,
    accepted: AcceptedToken,
    policy: AccessPolicy,
    cache: 'hit' | 'miss',
  ): true {
    const { principal } = accepted;
    try {
      authorize(principal, policy);
    } catch (error) {
      this.reject(context, error, cache, principal.caller);
    }
    context.switchToHttp().getRequest<GuardedRequest>().user = principal;
    if (this.events.observed) {
      this.events.emit({
        type: 'validation',
        outcome: 'accepted',
        cache,
        caller: principal.caller,
      });
    }
    return true;
  }

  private routeNotDeclared(context: ExecutionContext): RouteNotDeclaredError {
    const route = `${context.getClass().name}.${context.getHandler().name}`;
    const error = new RouteNotDeclaredError(route);
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
      failure instanceof ServiceAuthError
        ? failure
        : new InvalidTokenError('unexpected', { cause: failure });
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const response: unknown = context.switchToHttp().getResponse();
    const adapter = this.adapterHost.httpAdapter;
    const challenge = error.challenge(this.options.realm);
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
