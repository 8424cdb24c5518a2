import { Module } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ClaimPolicy } from './claim-policy.js';
import { JwksKeyProvider } from './jwks-key-provider.js';
import { RESOLVED_KEYCLOAK_AUTH_OPTIONS } from './keycloak-auth.constants.js';
import { KeycloakAuthEvents } from './keycloak-auth.events.js';
import { KeycloakAuthGuard } from './keycloak-auth.guard.js';
import { KeycloakAuthHealthIndicator } from './keycloak-auth.health.js';
import {
  KEYCLOAK_AUTH_OPTIONS,
  KeycloakAuthConfigurableModule,
} from './keycloak-auth.module-definition.js';
import {
  resolveKeycloakAuthOptions,
  type KeycloakAuthOptions,
  type ResolvedKeycloakAuthOptions,
} from './keycloak-auth.options.js';
import { KeycloakJwtStrategy } from './keycloak-jwt.strategy.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/**
 * Authenticates requests with Keycloak access tokens, of service accounts and of people alike,
 * and authorizes routes by their declaration (@ServiceAuth, @UserAuth, @Public).
 *
 * `KeycloakAuthModule.forRoot(options)` or `.forRootAsync({ imports, inject, useFactory })`;
 * options are validated when the module is created (every problem listed). Exports
 * KeycloakAuthGuard, which the app registers as its global guard (ADR 0018), KeycloakAuthEvents
 * and KeycloakAuthHealthIndicator. Global unless `isGlobal: false`.
 */
@Module({
  providers: [
    {
      provide: RESOLVED_KEYCLOAK_AUTH_OPTIONS,
      inject: [KEYCLOAK_AUTH_OPTIONS],
      useFactory: (options: KeycloakAuthOptions) => resolveKeycloakAuthOptions(options),
    },
    KeycloakAuthEvents,
    {
      provide: ClaimPolicy,
      inject: [RESOLVED_KEYCLOAK_AUTH_OPTIONS],
      useFactory: (options: ResolvedKeycloakAuthOptions) => new ClaimPolicy(options),
    },
    {
      provide: JwksKeyProvider,
      inject: [RESOLVED_KEYCLOAK_AUTH_OPTIONS, KeycloakAuthEvents],
      useFactory: (options: ResolvedKeycloakAuthOptions, events: KeycloakAuthEvents) =>
        new JwksKeyProvider(options, events),
    },
    {
      provide: VerifiedTokenCache,
      inject: [RESOLVED_KEYCLOAK_AUTH_OPTIONS, JwksKeyProvider],
      useFactory: (options: ResolvedKeycloakAuthOptions, keys: JwksKeyProvider) => {
        const cache = new VerifiedTokenCache(options.maxCachedTokens, options.clock);
        keys.onKeySetChange(() => cache.clear());
        return cache;
      },
    },
    KeycloakJwtStrategy,
    KeycloakAuthGuard,
    HealthIndicatorService,
    KeycloakAuthHealthIndicator,
  ],
  exports: [
    KeycloakAuthGuard,
    KeycloakAuthEvents,
    KeycloakAuthHealthIndicator,
    // What KeycloakAuthGuard injects, so that a subclass of it can be provided by the app.
    RESOLVED_KEYCLOAK_AUTH_OPTIONS,
    VerifiedTokenCache,
    JwksKeyProvider,
  ],
})
export class KeycloakAuthModule extends KeycloakAuthConfigurableModule {}
