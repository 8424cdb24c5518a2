import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { ServiceTokenError } from './service-token.errors.js';
import type { ServiceTokenService } from './service-token.service.js';

/**
 * Terminus indicator: up while a valid token is held; otherwise it fetches one, so a readiness
 * probe doubles as warm-up. Down names the error code (and OAuth error), never a secret.
 */
export class ServiceTokenHealthIndicator {
  constructor(
    private readonly tokens: ServiceTokenService,
    private readonly indicator: HealthIndicatorService = new HealthIndicatorService(),
  ) {}

  async isHealthy<const Key extends string = 'service-token'>(
    key: Key = 'service-token' as Key,
    options: { timeoutMs?: number } = {},
  ): Promise<HealthIndicatorResult<Key>> {
    const session = this.indicator.check(key);
    const client = this.tokens.client;
    if (this.tokens.status().state === 'none') {
      try {
        await this.tokens.getToken({ timeoutMs: options.timeoutMs });
      } catch (error) {
        const status = this.tokens.status();
        return session.down({
          client,
          error: error instanceof ServiceTokenError ? error.code : 'UNEXPECTED',
          ...(status.lastError?.oauthError ? { oauthError: status.lastError.oauthError } : {}),
          circuit: status.circuit,
        });
      }
    }
    const status = this.tokens.status();
    return session.up({
      client,
      token: status.state,
      expiresInSeconds: Math.floor(status.expiresInSeconds ?? 0),
      circuit: status.circuit,
    });
  }
}
