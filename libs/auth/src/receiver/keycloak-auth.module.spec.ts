import { Controller, Get, Injectable, Module, type Type } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { Test } from '@nestjs/testing';
import { KeycloakAuthGuard } from './keycloak-auth.guard.js';
import { KeycloakAuthConfigError, UnsupportedContextError } from './keycloak-auth.errors.js';
import { KeycloakAuthEvents } from './keycloak-auth.events.js';
import { KeycloakAuthHealthIndicator } from './keycloak-auth.health.js';
import { KeycloakAuthModule } from './keycloak-auth.module.js';
import { ServiceAuth } from './service-auth.decorator.js';
import type { KeycloakAuthOptions } from './keycloak-auth.options.js';

const OPTIONS: KeycloakAuthOptions = {
  issuer: 'http://localhost:8080/realms/techstore',
  audience: 'notification-service',
  realmUrl: 'http://127.0.0.1:9/realms/techstore',
};

@Injectable()
class KeycloakSettings {
  readonly issuer = OPTIONS.issuer;
}
@Module({ providers: [KeycloakSettings], exports: [KeycloakSettings] })
class SettingsModule {}

const registrations: Array<
  [string, (options: KeycloakAuthOptions) => ReturnType<typeof KeycloakAuthModule.forRoot>]
> = [
  ['forRoot', (options) => KeycloakAuthModule.forRoot(options)],
  [
    'forRootAsync',
    (options) =>
      KeycloakAuthModule.forRootAsync({
        imports: [SettingsModule],
        inject: [KeycloakSettings],
        useFactory: (settings: KeycloakSettings) => ({
          ...options,
          issuer: options.issuer && settings.issuer,
        }),
      }),
  ],
];

@Controller()
class RpcLikeController {
  @Get()
  @ServiceAuth()
  handle() {
    return 'reached';
  }
}

describe.each(registrations)('KeycloakAuthModule.%s', (_name, register) => {
  const compile = (options: KeycloakAuthOptions, imports: Type[] = []) =>
    Test.createTestingModule({ imports: [register(options), ...imports] }).compile();

  it('exports the health indicator and the event stream to the importing module', async () => {
    const moduleRef = await compile(OPTIONS);
    expect(moduleRef.get(KeycloakAuthHealthIndicator)).toBeInstanceOf(KeycloakAuthHealthIndicator);
    expect(moduleRef.get(KeycloakAuthEvents)).toBeInstanceOf(KeycloakAuthEvents);
    await moduleRef.close();
  });

  it('refuses to start with bad options, naming every problem', async () => {
    const attempt = compile({
      ...OPTIONS,
      audience: '',
      realmUrl: undefined,
      maxTokenAgeMs: 0,
    });
    await expect(attempt).rejects.toThrow(KeycloakAuthConfigError);
    await expect(attempt).rejects.toThrow(
      /audience: must be[\s\S]*realmUrl \/ jwksUri: exactly one must be set[\s\S]*maxTokenAgeMs: must be/,
    );
  });

  it.each(['rpc', 'ws', 'graphql'])('refuses a %s context instead of passing it', async (type) => {
    const moduleRef = await compile(OPTIONS);
    const guard = moduleRef.get(KeycloakAuthGuard);
    const context = new ExecutionContextHost(
      [{ data: 1 }, {}, {}],
      RpcLikeController,
      RpcLikeController.prototype.handle,
    );
    context.setType(type);
    expect(() => guard.canActivate(context)).toThrow(UnsupportedContextError);
    await moduleRef.close();
  });
});

describe('KeycloakAuthModule.forRootAsync', () => {
  it('validates the options its factory computes from injected providers', async () => {
    const attempt = Test.createTestingModule({
      imports: [
        KeycloakAuthModule.forRootAsync({
          imports: [SettingsModule],
          inject: [KeycloakSettings],
          useFactory: (settings: KeycloakSettings) => ({
            ...OPTIONS,
            issuer: `${settings.issuer}/`,
          }),
        }),
      ],
    }).compile();
    await expect(attempt).rejects.toThrow('issuer: must not end with "/"');
  });
});
