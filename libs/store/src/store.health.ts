import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { Database } from './database.js';

const CHECK_TIMEOUT_MS = 2_000;

/** Terminus readiness indicator: up when the store answers `select 1` within 2 s. */
@Injectable()
export class StoreHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly database: Database,
  ) {}

  async isHealthy<const Key extends string = 'database'>(
    key: Key = 'database' as Key,
  ): Promise<HealthIndicatorResult<Key>> {
    const check = this.health.check(key);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.database.query('select 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('no answer within 2 s')), CHECK_TIMEOUT_MS);
        }),
      ]);
      return check.up({ kind: this.database.kind });
    } catch (error) {
      return check.down({ kind: this.database.kind, message: (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
  }
}
