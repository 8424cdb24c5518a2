import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable, Module } from '@nestjs/common';
import { HttpService } from '@nestjs/axios';
import { Test } from '@nestjs/testing';
import { firstValueFrom } from 'rxjs';
import { startFakeTokenEndpoint, type FakeTokenEndpoint } from '@app/auth/testing';
import {
  InjectServiceToken,
  ServiceTokenConfigError,
  ServiceTokenHealthIndicator,
  ServiceTokenHttpModule,
  ServiceTokenModule,
  ServiceTokenService,
  type ServiceTokenOptions,
} from './index.js';

const SECRET = 'module-spec-secret';

type Register = (
  options: ServiceTokenOptions & { name?: string },
) => ReturnType<typeof ServiceTokenModule.forRoot>;

const forRoot: Register = (options) => ServiceTokenModule.forRoot(options);
const forRootAsync: Register = ({ name, ...options }) => {
  @Injectable()
  class OptionsSource {
    readonly options = options;
  }
  @Module({ providers: [OptionsSource], exports: [OptionsSource] })
  class OptionsModule {}
  return ServiceTokenModule.forRootAsync({
    name,
    imports: [OptionsModule],
    inject: [OptionsSource],
    useFactory: (source: OptionsSource) => Promise.resolve(source.options),
  });
};

describe.each([
  ['forRoot', forRoot],
  ['forRootAsync', forRootAsync],
])('ServiceTokenModule.%s', (_, register) => {
  let endpoint: FakeTokenEndpoint;
  let resource: Server;
  let resourceUrl: string;
  const seen: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    endpoint = await startFakeTokenEndpoint({ clients: { 'shop-api': SECRET, reports: SECRET } });
    resource = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => resource.listen(0, '127.0.0.1', resolve));
    resourceUrl = `http://127.0.0.1:${(resource.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await endpoint.close();
    await new Promise((resolve) => resource.close(resolve));
  });

  const options = (clientId = 'shop-api'): ServiceTokenOptions => ({
    realmUrl: endpoint.realmUrl,
    clientId,
    clientSecret: SECRET,
  });

  it('provides a working ServiceTokenService and health indicator', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [register(options())] }).compile();
    const tokens = moduleRef.get(ServiceTokenService);
    const token = await tokens.getToken();
    expect(token).toBe(endpoint.issued.at(-1));
    const health = await moduleRef.get(ServiceTokenHealthIndicator).isHealthy('keycloak');
    expect(health).toEqual({
      keycloak: expect.objectContaining({ status: 'up', client: 'shop-api', token: 'fresh' }),
    });
    await moduleRef.close();
  });

  it('rejects invalid options at module creation, listing every problem', async () => {
    const bad = { realmUrl: 'not a url', clientId: '' } as ServiceTokenOptions;
    const creation = Test.createTestingModule({ imports: [register(bad)] }).compile();
    await expect(creation).rejects.toThrow(ServiceTokenConfigError);
    await expect(creation).rejects.toMatchObject({
      problems: [
        expect.stringMatching(/^realmUrl/),
        expect.stringMatching(/^clientId/),
        expect.stringMatching(/exactly one must be set \(none is\)/),
      ],
    });
  });

  it('holds several named clients side by side', async () => {
    @Injectable()
    class TwoClients {
      constructor(
        readonly shop: ServiceTokenService,
        @InjectServiceToken('reports') readonly reports: ServiceTokenService,
      ) {}
    }
    const moduleRef = await Test.createTestingModule({
      imports: [register(options()), register({ ...options('reports'), name: 'reports' })],
      providers: [TwoClients],
    }).compile();
    const { shop, reports } = moduleRef.get(TwoClients);
    expect(shop).not.toBe(reports);
    expect(reports.client).toBe('reports');
    const start = endpoint.requests.length;
    await Promise.all([shop.getToken(), reports.getToken()]);
    expect(
      endpoint.requests
        .slice(start)
        .map((r) => r.clientId)
        .sort(),
    ).toEqual(['reports', 'shop-api'].sort());
    await moduleRef.close();
  });

  it('ServiceTokenHttpModule sends Authorization: Bearer with the cached token', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [register(options()), ServiceTokenHttpModule.register({ baseURL: resourceUrl })],
    }).compile();
    const http = moduleRef.get(HttpService);
    const response = await firstValueFrom(http.get('/anything'));
    expect(response.data).toEqual({ ok: true });
    const token = await moduleRef.get(ServiceTokenService).getToken();
    expect(seen.at(-1)?.authorization).toBe(`Bearer ${token}`);
    await moduleRef.close();
  });

  it('ServiceTokenHttpModule rejects a bad baseURL and timeout at module creation', async () => {
    const creation = Test.createTestingModule({
      imports: [
        register(options()),
        ServiceTokenHttpModule.register({ baseURL: 'notification-service:3001', timeoutMs: -1 }),
      ],
    }).compile();
    await expect(creation).rejects.toMatchObject({
      code: 'SERVICE_TOKEN_CONFIG_INVALID',
      problems: [expect.stringMatching(/^baseURL/), expect.stringMatching(/^timeout/)],
    });
  });

  it('ServiceTokenHttpModule.registerAsync uses a named client', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        register({ ...options('reports'), name: 'reports' }),
        ServiceTokenHttpModule.registerAsync({
          client: 'reports',
          useFactory: () => ({ baseURL: resourceUrl }),
        }),
      ],
    }).compile();
    await firstValueFrom(moduleRef.get(HttpService).get('/x'));
    const reports = moduleRef.get<ServiceTokenService>('SERVICE_TOKEN:reports:ServiceTokenService');
    expect(seen.at(-1)?.authorization).toBe(`Bearer ${await reports.getToken()}`);
    await moduleRef.close();
  });
});
