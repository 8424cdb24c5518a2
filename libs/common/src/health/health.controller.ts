import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthIndicatorFunction } from '@nestjs/terminus';
import { READINESS_CHECKS } from './health.constants.js';
import { Public } from '@app/auth/receiver';

/**
 * `GET /health/live`: the process runs and serves HTTP (no dependency is consulted, so a slow
 * Keycloak never gets a healthy process restarted). `GET /health/ready`: every readiness check
 * the app registered under READINESS_CHECKS passes.
 */
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Optional()
    @Inject(READINESS_CHECKS)
    private readonly readiness: HealthIndicatorFunction[] = [],
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(this.readiness);
  }
}
