import { HttpException, type ExecutionContext } from '@nestjs/common';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';
import { ServiceTokenService } from '@app/auth/caller';
import { KeycloakAuthEvents } from '@app/auth/receiver';
import { startFakeTokenEndpoint, type FakeTokenEndpoint } from '@app/auth/testing';
import { traceGuardDecisions, traceServiceTokens } from './trace-auth.js';

// The wrappers against a real in-memory OpenTelemetry SDK: the spans a trace viewer would show.

const exporter = new InMemorySpanExporter();
const contextManager = new AsyncLocalStorageContextManager();
const parentTracer = () => trace.getTracer('spec');

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(
    new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }),
  );
});
afterAll(() => {
  trace.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

/** Runs `work` inside a sampled parent span, as a request handler would. */
const inRequest = <T>(work: () => Promise<T>): Promise<T> =>
  parentTracer().startActiveSpan('request', async (span) => {
    try {
      return await work();
    } finally {
      span.end();
    }
  });

const spanNamed = (name: string): ReadableSpan => {
  const found = exporter.getFinishedSpans().filter((span) => span.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};

/** Decides like the library's guard: emits one validation event, then answers or throws. */
class DecidingGuard {
  constructor(
    private readonly events: KeycloakAuthEvents,
    private readonly decide: () => 'hit' | 'miss' | 'refuse',
  ) {}

  canActivate(_context: ExecutionContext): boolean | Promise<boolean> {
    const decision = this.decide();
    if (decision === 'refuse') {
      this.events.emit({
        type: 'validation',
        outcome: 'rejected',
        status: 401,
        code: 'AUTH_TOKEN_INVALID',
        reason: 'expired',
        cache: 'miss',
      });
      throw new HttpException('Unauthorized', 401);
    }
    const emit = () =>
      this.events.emit({
        type: 'validation',
        outcome: 'accepted',
        cache: decision,
        caller: 'shop-api',
      });
    if (decision === 'hit') {
      emit();
      return true;
    }
    return new Promise((resolve) => setTimeout(resolve, 5)).then(() => {
      emit();
      return true;
    });
  }
}

describe('traceGuardDecisions', () => {
  const executionContext = {} as ExecutionContext;
  function guarded(decide: () => 'hit' | 'miss' | 'refuse') {
    const events = new KeycloakAuthEvents();
    const guard = new DecidingGuard(events, decide);
    traceGuardDecisions(guard, events);
    return guard;
  }

  it('an accepted token verified on this request: an auth.guard span under the request', async () => {
    const guard = guarded(() => 'miss');
    await inRequest(async () => expect(await guard.canActivate(executionContext)).toBe(true));
    const span = spanNamed('auth.guard');
    expect(span.parentSpanContext?.spanId).toBe(spanNamed('request').spanContext().spanId);
    expect(span.attributes).toEqual({
      'auth.outcome': 'accepted',
      'auth.status': 200,
      'auth.token_cache': 'miss',
      'auth.caller': 'shop-api',
    });
    expect(span.duration[0] * 1e3 + span.duration[1] / 1e6).toBeGreaterThanOrEqual(4);
  });

  it('a refusal: the reason and status as attributes, not an error status (a 401 is an answer)', async () => {
    const guard = guarded(() => 'refuse');
    await inRequest(() => {
      expect(() => guard.canActivate(executionContext)).toThrow(HttpException);
      return Promise.resolve();
    });
    const span = spanNamed('auth.guard');
    expect(span.attributes).toMatchObject({
      'auth.outcome': 'rejected',
      'auth.status': 401,
      'auth.code': 'AUTH_TOKEN_INVALID',
      'auth.reason': 'expired',
    });
    expect(span.status.code).toBe(0);
  });

  it('outside a trace: no span, same decision', () => {
    const guard = guarded(() => 'hit');
    expect(guard.canActivate(executionContext)).toBe(true);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('traceServiceTokens', () => {
  let endpoint: FakeTokenEndpoint;
  let tokens: ServiceTokenService;

  beforeAll(async () => {
    endpoint = await startFakeTokenEndpoint({ clients: { 'shop-api': 'trace-spec-secret' } });
    tokens = new ServiceTokenService({
      realmUrl: endpoint.realmUrl,
      clientId: 'shop-api',
      clientSecret: 'trace-spec-secret',
    });
    traceServiceTokens(tokens);
  });
  afterAll(() => endpoint.close());

  it('a cold cache: a miss with its token request as an event, and no token in the span', async () => {
    const token = await inRequest(() => tokens.getToken());
    const span = spanNamed('service_token.get');
    expect(span.attributes).toEqual({
      'oauth.client_id': 'shop-api',
      'service_token.cache': 'miss',
      'service_token.lifetime_s': 300,
    });
    expect(span.events.map((event) => [event.name, event.attributes])).toEqual([
      [
        'token_request',
        expect.objectContaining({
          trigger: 'miss',
          outcome: 'success',
          attempt: 1,
          'http.response.status_code': 200,
        }),
      ],
    ]);
    expect(JSON.stringify([span.attributes, span.events])).not.toContain(token.split('.')[1]);
  });

  it('a warm cache: a hit, no request', async () => {
    await inRequest(() => tokens.getToken());
    expect(spanNamed('service_token.get').attributes['service_token.cache']).toBe('hit');
    expect(spanNamed('service_token.get').events).toEqual([]);
  });

  it('a failed request marks the span failed by error code, never by message', async () => {
    const failing = new ServiceTokenService({
      realmUrl: endpoint.realmUrl,
      clientId: 'shop-api',
      clientSecret: 'a-wrong-secret',
      maxAttempts: 1,
    });
    traceServiceTokens(failing);
    await inRequest(() => expect(failing.getToken()).rejects.toThrow());
    const span = spanNamed('service_token.get');
    expect(span.status.code).toBe(2);
    expect(span.attributes['error.type']).toMatch(/^[A-Z_]+$/);
    expect(JSON.stringify([span.attributes, span.events, span.status])).not.toContain(
      'a-wrong-secret',
    );
  });
});
