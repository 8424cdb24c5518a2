import {
  Controller,
  ForbiddenException,
  Get,
  Injectable,
  Module,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  JwksTestServer,
  KeycloakTokenSigner,
  createTestSigningKey,
  probe,
} from '@app/auth/testing';
import type { AccessPolicy } from './access-policy.js';
import type { AuthenticatedPrincipal } from './authenticated-principal.js';
import { KeycloakAuthGuard } from './keycloak-auth.guard.js';
import { KeycloakAuthModule } from './keycloak-auth.module.js';
import { KeycloakJwtStrategy } from './keycloak-jwt.strategy.js';
import { ServiceAuth } from './service-auth.decorator.js';

// The guard as users extend it (ADR 0018): a protected hook overridden, Passport run for a token
// seen for the first time only, and a subclass's own refusal answered as it is.

const ISSUER = 'http://localhost:8080/realms/techstore';
const AUDIENCE = 'notification-service';
const key = createTestSigningKey();

/** Our checks, then one of its own: service callers must have the `email` scope. */
@Injectable()
class EmailScopeGuard extends KeycloakAuthGuard {
  protected override authorize(
    principal: AuthenticatedPrincipal,
    policy: AccessPolicy,
    context: ExecutionContext,
  ): void {
    super.authorize(principal, policy, context);
    if (!principal.scopes.includes('email')) throw new ForbiddenException('email scope required');
  }
}

@Controller()
class ProbeController {
  @Get('notify')
  @ServiceAuth({ clients: ['shop-api'] })
  notify() {
    return { ok: true };
  }
}

describe('KeycloakAuthGuard extended by a subclass', () => {
  let jwks: JwksTestServer;
  let app: INestApplication;
  let url: string;
  const validations = jest.spyOn(KeycloakJwtStrategy.prototype, 'validate');
  const signer = new KeycloakTokenSigner(key);
  const token = (scope: string) =>
    signer.sign(
      signer.serviceAccountClaims({
        issuer: ISSUER,
        clientId: 'shop-api',
        audience: AUDIENCE,
        scope,
      }),
    );
  const call = (bearer: string) =>
    probe(`${url}/notify`, { headers: { authorization: `Bearer ${bearer}` } });

  beforeAll(async () => {
    jwks = await JwksTestServer.start([key]);
    @Module({
      imports: [
        KeycloakAuthModule.forRoot({ issuer: ISSUER, audience: AUDIENCE, jwksUri: jwks.jwksUri }),
      ],
      controllers: [ProbeController],
      providers: [{ provide: APP_GUARD, useClass: EmailScopeGuard }],
    })
    class ProbeModule {}
    app = await NestFactory.create(ProbeModule, new FastifyAdapter(), {
      logger: ['error'],
      abortOnError: false,
    });
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await jwks?.close();
    validations.mockRestore();
  });

  it('runs Passport for a new token only, and its own hook for every request', async () => {
    const bearer = token('profile email');
    const before = validations.mock.calls.length;
    expect((await call(bearer)).status).toBe(200);
    expect((await call(bearer)).status).toBe(200);
    expect(validations.mock.calls.length - before).toBe(1);
  });

  it("answers the subclass's refusal as it is, on the first request and from the cache", async () => {
    const bearer = token('profile');
    for (let i = 0; i < 2; i++) {
      const response = await call(bearer);
      expect(response.status).toBe(403);
      expect(JSON.parse(response.body)).toMatchObject({ message: 'email scope required' });
      expect(response.headers['www-authenticate']).toBeUndefined();
    }
  });

  it('keeps the route policy of the base class', async () => {
    const user = signer.sign(
      signer.userClaims({
        issuer: ISSUER,
        clientId: 'techstore-web',
        username: 'alice',
        audience: AUDIENCE,
      }),
    );
    const response = await call(user);
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'AUTH_INSUFFICIENT_SCOPE' });
  });
});
