import {
  Body,
  Controller,
  Get,
  HttpCode,
  Module,
  Post,
  type INestApplication,
  type LoggerService,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { APP_GUARD } from '@nestjs/core';
import {
  AuthPrincipal,
  KeycloakAuthGuard,
  KeycloakAuthModule,
  Public,
  ServiceAuth,
  UserAuth,
  type AuthenticatedPrincipal,
  type KeycloakAuthOptions,
} from '../receiver/index.js';

/** Routes covering each declaration, as notification-service and shop-api use them. */
@Controller()
class ProbeController {
  @Get('notify')
  @ServiceAuth({ clients: ['shop-api'], roles: ['notifications:send'] })
  notify(@AuthPrincipal() principal: AuthenticatedPrincipal) {
    return principal;
  }

  @Post('notify')
  @HttpCode(201)
  @ServiceAuth({ clients: ['shop-api'], roles: ['notifications:send'] })
  notifyPost(@Body() body: unknown) {
    return { received: typeof body };
  }

  @Get('service')
  @ServiceAuth()
  anyService(@AuthPrincipal() principal: AuthenticatedPrincipal) {
    return principal;
  }

  @Get('checkout')
  @UserAuth({ roles: ['realm:customer'] })
  checkout(@AuthPrincipal() principal: AuthenticatedPrincipal) {
    return principal;
  }

  @Get('open')
  @Public()
  open() {
    return { open: true };
  }

  @Get('undeclared')
  undeclared() {
    return { reached: true };
  }
}

export type TestAdapter = 'express' | 'fastify';
export type Registration = 'forRoot' | 'forRootAsync';

/** Registers KeycloakAuthModule one way or the other (both must behave the same). */
export function keycloakAuthImport(registration: Registration, options: KeycloakAuthOptions) {
  return registration === 'forRoot'
    ? KeycloakAuthModule.forRoot(options)
    : KeycloakAuthModule.forRootAsync({ useFactory: () => Promise.resolve(options) });
}

export interface TestAppOptions {
  registration?: Registration;
  /** Extra controllers of the caller's own. */
  controllers?: Type[];
  /** Default: no logging. */
  logger?: LoggerService | false;
}

/**
 * Starts a real Nest app (Express or Fastify) with KeycloakAuthModule, its guard global as the
 * apps register it, and the probe routes (`/notify`, `/service`, `/checkout`, `/open`,
 * `/undeclared`) on a free loopback port.
 */
export async function startKeycloakAuthTestApp(
  adapter: TestAdapter,
  options: KeycloakAuthOptions,
  { registration = 'forRoot', controllers = [], logger = false }: TestAppOptions = {},
): Promise<{ app: INestApplication; url: string }> {
  @Module({
    imports: [keycloakAuthImport(registration, options)],
    controllers: [ProbeController, ...controllers],
    providers: [{ provide: APP_GUARD, useExisting: KeycloakAuthGuard }],
  })
  class ProbeModule {}
  const app = await NestFactory.create(
    ProbeModule,
    adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    { logger },
  );
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}
