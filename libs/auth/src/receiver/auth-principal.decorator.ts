import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedPrincipal } from './authenticated-principal.js';

/**
 * The AuthenticatedPrincipal of the request, set by the guard on @ServiceAuth and @UserAuth
 * routes (undefined on @Public routes).
 *
 * @example notify(@AuthPrincipal() principal: AuthenticatedPrincipal) {}
 */
export const AuthPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedPrincipal | undefined =>
    context.switchToHttp().getRequest<{ user?: AuthenticatedPrincipal }>().user,
);
