import {
  Body,
  Controller,
  Get,
  Module,
  Post,
  type DynamicModule,
  type INestApplication,
} from '@nestjs/common';
import { IsInt, Min } from 'class-validator';
import { HealthModule } from '../health/health.module.js';
import { READINESS_CHECKS } from '../health/health.constants.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { createService } from './bootstrap-service.js';

class ThingDto {
  @IsInt()
  @Min(1)
  count!: number;
}

@Controller('things')
class ThingsController {
  @Get(':id')
  get() {
    return { ok: true };
  }

  @Post()
  create(@Body() thing: ThingDto) {
    return { count: thing.count, isDto: thing instanceof ThingDto };
  }
}

let ready = true;

@Module({})
class SampleModule {
  static forRoot(): DynamicModule {
    return {
      module: SampleModule,
      global: true,
      imports: [HealthModule, MetricsModule.forRoot('sample-service')],
      controllers: [ThingsController],
      providers: [
        {
          provide: READINESS_CHECKS,
          useValue: [() => ({ sample: { status: ready ? 'up' : 'down' } })],
        },
      ],
      exports: [READINESS_CHECKS],
    };
  }
}

describe('createService', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    app = await createService(
      {
        name: 'sample-service',
        description: 'A sample',
        loadConfig: () => ({ port: 0, logLevel: 'error' as const }),
        appModule: () => SampleModule.forRoot(),
      },
      { port: 0, logLevel: 'error' },
    );
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(() => app?.close());

  it('returns a safe X-Request-Id as given, and makes one up otherwise', async () => {
    const kept = await fetch(`${url}/things/1`, { headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers.get('x-request-id')).toBe('abc-123');
    const replaced = await fetch(`${url}/things/1`, { headers: { 'x-request-id': 'a b' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('validates bodies against their DTO: unknown fields and broken rules are a 400', async () => {
    const post = (body: unknown) =>
      fetch(`${url}/things`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect(await (await post({ count: 2 })).json()).toEqual({ count: 2, isDto: true });
    const refused = await post({ count: 0, extra: 1 });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { message: string[] }).message).toEqual([
      'property extra should not exist',
      'count must not be less than 1',
    ]);
  });

  it('counts requests by route template, never by raw URL, in its own registry', async () => {
    await fetch(`${url}/things/secret-looking-id?access_token=x`);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const counted = metrics
      .split('\n')
      .find((line) => line.startsWith('http_server_request_duration_seconds_count{'));
    for (const label of [
      'method="GET"',
      'route="/things/:id"',
      'status_code="200"',
      'service="sample-service"',
    ]) {
      expect(counted).toContain(label);
    }
    expect(metrics).not.toContain('secret-looking-id');
    expect(metrics).toContain('process_cpu_user_seconds_total{service="sample-service"}');
  });

  it('is live whatever its dependencies say, ready only when every check passes', async () => {
    ready = false;
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    expect((await fetch(`${url}/health/ready`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
  });
});
