import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { createObserveModule } from '@nestjs/observe';
import {
  JwksTestServer,
  KeycloakTokenSigner,
  createTestSigningKey,
  type TestAdapter,
} from '@app/auth/testing';
import { KeycloakAuthGuard, KeycloakAuthModule, ServiceAuth } from './index.js';

const ISSUER = 'http://localhost:8080/realms/techstore';
const AUDIENCE = 'notification-service';
const key = createTestSigningKey();

@Controller()
class ProbeController {
  @Get('notify')
  @ServiceAuth({ clients: ['shop-api'], roles: ['notifications:send'] })
  notify() {
    return { ok: true };
  }
}

describe.each<TestAdapter>(['express', 'fastify'])('under @nestjs/observe on %s', (adapter) => {
  let jwks: JwksTestServer;
  let collector: Server;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    jwks = await JwksTestServer.start([key]);
    collector = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(204).end());
    });
    collector.listen(0, '127.0.0.1');
    await once(collector, 'listening');
    const { port } = collector.address() as { port: number };
    const { ObserveModule, ObserveInstrument } = createObserveModule();
    @Module({
      imports: [
        ObserveModule.forRoot({
          appKey: 'test',
          appSecret: 'test',
          serviceId: 'observe-regression',
          endpoint: `http://127.0.0.1:${port}`,
          runtimeMetrics: false,
        }),
        KeycloakAuthModule.forRoot({ issuer: ISSUER, audience: AUDIENCE, jwksUri: jwks.jwksUri }),
      ],
      controllers: [ProbeController],
      providers: [{ provide: APP_GUARD, useExisting: KeycloakAuthGuard }],
    })
    class InstrumentedModule {}
    app = await NestFactory.create(
      InstrumentedModule,
      adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
      { logger: false, instrument: ObserveInstrument },
    );
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await jwks?.close();
    collector?.close();
  });

  it('answers every new token, not only the first one', async () => {
    const signer = new KeycloakTokenSigner(key);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const token = signer.sign(
        signer.serviceAccountClaims({
          issuer: ISSUER,
          clientId: 'shop-api',
          audience: AUDIENCE,
          clientRoles: { [AUDIENCE]: ['notifications:send'] },
        }),
      );
      const response = await fetch(`${url}/notify`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(3_000),
      }).catch((error: unknown) => ({ status: `${(error as Error).name}` }));
      statuses.push(response.status as number);
    }
    expect(statuses).toEqual([200, 200, 200, 200]);
  });
});
