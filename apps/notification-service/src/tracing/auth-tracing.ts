import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { KeycloakAuthEvents, KeycloakAuthGuard } from '@app/auth/receiver';
import { traceGuardDecisions, tracingState } from '@app/common';

/**
 * With tracing on, a span for the guard's decision on each caller's token (docs/adr/0021); with
 * tracing off, nothing is wrapped.
 */
@Injectable()
export class AuthTracing implements OnModuleInit {
  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    if (!tracingState.enabled) return;
    const find = <T>(type: new (...args: never[]) => T) =>
      this.moduleRef.get(type, { strict: false });
    traceGuardDecisions(find(KeycloakAuthGuard), find(KeycloakAuthEvents));
  }
}
