// One server of the benchmarks, started by receiver.bench.ts and service.bench.ts (compiled with
// tsc, because Nest's dependency injection needs decorator metadata, which tsx/esbuild does not
// emit). VARIANT: none | guard | recipe | allow-guard | floor; ADAPTER: express | fastify.
// Prints "listening <port>" when ready.
import 'reflect-metadata';
import {
  Body,
  Controller,
  type CanActivate,
  type CallHandler,
  HttpCode,
  Injectable,
  Module,
  type NestInterceptor,
  type PipeTransform,
  Post,
  UseGuards,
  type Type,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, APP_PIPE, NestFactory } from '@nestjs/core';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy } from 'passport-jwt';
// Compiled by plain tsc outside the Nest build, where the @app/auth path alias does not exist.
// eslint-disable-next-line no-restricted-imports
import {
  KeycloakAuthGuard,
  KeycloakAuthModule,
  ServiceAuth,
} from '../libs/auth/src/receiver/index.js';

const {
  VARIANT = 'none',
  ADAPTER = 'express',
  ISSUER = '',
  JWKS_URI = '',
  AUDIENCE = '',
} = process.env;

interface OrderNotification {
  orderId?: string;
}
const reply = (body: OrderNotification) => ({
  notificationId: `n-${body?.orderId}`,
  status: 'sent',
});

/** (a) The endpoint measured (notification-service's order notification, minus the e-mail), no auth. */
@Controller('api/notifications')
class OpenController {
  @Post('order')
  @HttpCode(201)
  order(@Body() body: OrderNotification) {
    return reply(body);
  }
}

/** (b) The same endpoint behind KeycloakAuthModule, as notification-service declares it. */
@Controller('api/notifications')
class GuardedController {
  @Post('order')
  @HttpCode(201)
  @ServiceAuth({ clients: ['shop-api'], roles: ['notifications:send'] })
  order(@Body() body: OrderNotification) {
    return reply(body);
  }
}

/** (c) The same endpoint behind the recipe's `AuthGuard('jwt')`. */
@Controller('api/notifications')
@UseGuards(AuthGuard('jwt'))
class RecipeController {
  @Post('order')
  @HttpCode(201)
  order(@Body() body: OrderNotification) {
    return reply(body);
  }
}

/**
 * (c) The plain NestJS recipe: @nestjs/passport + passport-jwt, keys from jwks-rsa as its passport
 * example documents (`secretOrKeyProvider: passportJwtSecret({...})`), `AuthGuard('jwt')`.
 */
@Injectable()
class JwtStrategy extends PassportStrategy(Strategy) {
  constructor() {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: passportJwtSecret({
        cache: true,
        rateLimit: true,
        jwksRequestsPerMinute: 5,
        jwksUri: JWKS_URI,
      }),
      audience: AUDIENCE,
      issuer: ISSUER,
      algorithms: ['RS256'],
    });
  }

  validate(payload: Record<string, unknown>) {
    return payload;
  }
}

@Module({
  imports: [KeycloakAuthModule.forRoot({ issuer: ISSUER, audience: AUDIENCE, jwksUri: JWKS_URI })],
  controllers: [GuardedController],
  providers: [{ provide: APP_GUARD, useExisting: KeycloakAuthGuard }],
})
class GuardModule {}

@Module({ imports: [PassportModule], providers: [JwtStrategy], controllers: [RecipeController] })
class RecipeModule {}

@Module({ controllers: [OpenController] })
class NoAuthModule {}

/** (d) Reference: the floor any Nest guard pays, a global guard that only returns true. */
@Injectable()
class AllowGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

@Module({
  controllers: [OpenController],
  providers: [{ provide: APP_GUARD, useClass: AllowGuard }],
})
class AllowGuardModule {}

@Injectable()
class NoOpPipe implements PipeTransform {
  transform(value: unknown): unknown {
    return value;
  }
}

@Injectable()
class NoOpInterceptor implements NestInterceptor {
  intercept(_context: unknown, next: CallHandler) {
    return next.handle();
  }
}

/**
 * The floor of any Nest app with a guard, a pipe and an interceptor: each global and each a
 * no-op, on the same route.
 */
@Module({
  controllers: [OpenController],
  providers: [
    { provide: APP_GUARD, useClass: AllowGuard },
    { provide: APP_PIPE, useClass: NoOpPipe },
    { provide: APP_INTERCEPTOR, useClass: NoOpInterceptor },
  ],
})
class FloorModule {}

const MODULES: Record<string, Type> = {
  none: NoAuthModule,
  guard: GuardModule,
  recipe: RecipeModule,
  'allow-guard': AllowGuardModule,
  floor: FloorModule,
};

async function main(): Promise<void> {
  const app = await NestFactory.create(
    MODULES[VARIANT],
    ADAPTER === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(),
    { logger: ['error'] },
  );
  await app.listen(0, '127.0.0.1');
  const { port } = new URL(await app.getUrl());
  process.stdout.write(`listening ${port}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
