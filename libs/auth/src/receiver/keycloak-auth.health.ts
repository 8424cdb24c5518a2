import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { JwksKeyProvider } from './jwks-key-provider.js';

/**
 * Terminus readiness indicator: up when a usable signing key set is held or can be fetched now.
 * Fetches only when no usable set is held and the JWKS cooldown allows it.
 */
@Injectable()
export class KeycloakAuthHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly keys: JwksKeyProvider,
  ) {}

  async isHealthy<const Key extends string = 'keycloak-jwks'>(
    key: Key = 'keycloak-jwks' as Key,
  ): Promise<HealthIndicatorResult<Key>> {
    const status = await this.keys.ensureUsable();
    const check = this.health.check(key);
    const details = {
      keys: status.keys,
      ...(status.ageSeconds !== undefined && { ageSeconds: status.ageSeconds }),
    };
    return status.usable
      ? check.up(details)
      : check.down({ ...details, message: 'No usable signing key set' });
  }
}
