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
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { Registry } from 'prom-client';
// Compiled by plain tsc outside the Nest build, where the @app/… path aliases do not exist.
// eslint-disable-next-line no-restricted-imports
import {
  KeycloakAuthGuard,
  KeycloakAuthModule,
  ServiceAuth,
} from '../libs/auth/src/receiver/index.js';
// eslint-disable-next-line no-restricted-imports
import { createService } from '../libs/common/src/bootstrap/bootstrap-service.js';
// eslint-disable-next-line no-restricted-imports
import { METRICS_REGISTRY } from '../libs/common/src/metrics/metrics.constants.js';

const {
  VARIANT = 'none',
  ADAPTER = 'express',
  ISSUER = '',
  JWKS_URI = '',
  AUDIENCE = '',
  INJECT_BATCH = '0',
  INJECT_ROUNDS = '15',
  INJECT_AUTHORIZATIONS = '',
  INJECT_BODY = '{}',
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

/**
 * (edge) The same endpoint in an app made the way the apps are made (createService: the
 * hardened edge with its security headers and strict JSON parser, request ids, one log line and
 * one histogram sample per request, the validation pipe), without authentication: what every
 * route of the apps pays.
 */
@Module({
  controllers: [OpenController],
  providers: [{ provide: METRICS_REGISTRY, useValue: new Registry() }],
  exports: [METRICS_REGISTRY],
})
class EdgeModule {}

const MODULES: Record<string, Type> = {
  none: NoAuthModule,
  guard: GuardModule,
  recipe: RecipeModule,
  'allow-guard': AllowGuardModule,
  floor: FloorModule,
};

/** Sends one request in process; throws unless it got the 201. */
function injector(app: NestFastifyApplication): (i: number) => Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const authorizations = INJECT_AUTHORIZATIONS.split(',');
  return async (i) => {
    const response = await fastify.inject({
      method: 'POST',
      url: '/api/notifications/order',
      headers: {
        'content-type': 'application/json',
        authorization: authorizations[i % authorizations.length],
      },
      payload: INJECT_BODY,
    });
    if (response.statusCode !== 201) throw new Error(`status ${response.statusCode}`);
  };
}

/**
 * The variants side by side in one process (Fastify, no sockets): after a warm-up, round after
 * round a batch of requests to each app in turn, CPU time per request of every batch. Noise from
 * the machine hits the batches of one round alike, so differences are taken per round.
 */
async function injectRounds(variants: string[], batch: number, rounds: number) {
  const apps: NestFastifyApplication[] = [];
  for (const variant of variants) {
    const app = await NestFactory.create<NestFastifyApplication>(
      MODULES[variant],
      new FastifyAdapter(),
      { logger: ['error'] },
    );
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    apps.push(app);
  }
  const sends = apps.map(injector);
  for (const send of sends) for (let i = 0; i < 5 * batch; i++) await send(i);
  const micros: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [index, send] of sends.entries()) {
      const before = process.cpuUsage();
      for (let i = 0; i < batch; i++) await send(i);
      const used = process.cpuUsage(before);
      micros[variants[index]].push((used.user + used.system) / batch);
    }
  }
  for (const app of apps) await app.close();
  return micros;
}

async function main(): Promise<void> {
  if (Number(INJECT_BATCH) > 0) {
    const micros = await injectRounds(
      VARIANT.split(','),
      Number(INJECT_BATCH),
      Number(INJECT_ROUNDS),
    );
    process.stdout.write(`inject ${JSON.stringify(micros)}\n`);
    return;
  }
  const app =
    VARIANT === 'edge'
      ? await createService(
          {
            name: 'edge',
            description: 'the apps’ edge, no authentication',
            loadConfig: () => ({ port: 0, logLevel: 'info' as const }),
            appModule: () => ({ module: EdgeModule, global: true }),
          },
          { port: 0, logLevel: 'info' },
        )
      : await NestFactory.create(
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
