import { Controller, Get, Injectable, Module, type Type } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { Test } from '@nestjs/testing';
import { ServiceAuthGuard } from './service-auth.guard.js';
import { ServiceAuthConfigurationError, UnsupportedContextError } from './service-auth.errors.js';
import { ServiceAuthEvents } from './service-auth.events.js';
import { ServiceAuthHealthIndicator } from './service-auth.health.js';
import { ServiceAuthModule } from './service-auth.module.js';
import { ServiceAuth } from './service-auth.decorator.js';
import type { ServiceAuthOptions } from './service-auth.options.js';

const OPTIONS: ServiceAuthOptions = {
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
  [string, (options: ServiceAuthOptions) => ReturnType<typeof ServiceAuthModule.forRoot>]
> = [
  ['forRoot', (options) => ServiceAuthModule.forRoot(options)],
  [
    'forRootAsync',
    (options) =>
      ServiceAuthModule.forRootAsync({
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

describe.each(registrations)('ServiceAuthModule.%s', (_name, register) => {
  const compile = (options: ServiceAuthOptions, imports: Type[] = []) =>
    Test.createTestingModule({ imports: [register(options), ...imports] }).compile();

  it('exports the health indicator and the event stream to the importing module', async () => {
    const moduleRef = await compile(OPTIONS);
    expect(moduleRef.get(ServiceAuthHealthIndicator)).toBeInstanceOf(ServiceAuthHealthIndicator);
    expect(moduleRef.get(ServiceAuthEvents)).toBeInstanceOf(ServiceAuthEvents);
    await moduleRef.close();
  });

  it('refuses to start with bad options, naming every problem', async () => {
    const attempt = compile({
      ...OPTIONS,
      audience: '',
      realmUrl: undefined,
      maxTokenAgeSeconds: 0,
    });
    await expect(attempt).rejects.toThrow(ServiceAuthConfigurationError);
    await expect(attempt).rejects.toThrow(
      /audience is required[\s\S]*jwksUri or realmUrl is required[\s\S]*maxTokenAgeSeconds must be/,
    );
  });

  it.each(['rpc', 'ws', 'graphql'])('refuses a %s context instead of passing it', async (type) => {
    const moduleRef = await compile(OPTIONS);
    const guard = moduleRef.get(ServiceAuthGuard);
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

describe('ServiceAuthModule.forRootAsync', () => {
  it('validates the options its factory computes from injected providers', async () => {
    const attempt = Test.createTestingModule({
      imports: [
        ServiceAuthModule.forRootAsync({
          imports: [SettingsModule],
          inject: [KeycloakSettings],
          useFactory: (settings: KeycloakSettings) => ({
            ...OPTIONS,
            issuer: `${settings.issuer}/`,
          }),
        }),
      ],
    }).compile();
    await expect(attempt).rejects.toThrow('issuer must not end with "/"');
  });
});
