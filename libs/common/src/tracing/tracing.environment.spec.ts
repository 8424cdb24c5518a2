import { validateEnvironment } from '../config/validate-environment.js';
import { TracingEnvironment, tracingRequested } from './tracing.environment.js';

const requested = (env: Record<string, string>) =>
  tracingRequested(validateEnvironment(TracingEnvironment, env));

describe('tracingRequested: off unless one variable asks', () => {
  it.each([
    [{}, false],
    [{ OTEL_SERVICE_NAME: 'shop' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://localhost:4318/v1/traces' }, true],
    [{ OTEL_TRACES_EXPORTER: 'console' }, true],
    [{ OTEL_TRACES_EXPORTER: 'otlp, console' }, true],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318' }, false],
    [{ OTEL_SDK_DISABLED: 'TRUE', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318' }, false],
    [{ OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318' }, true],
  ])('%j → %s', (env, on) => {
    expect(requested(env)).toBe(on);
  });

  it('accepts the sampler variables the SDK reads', () => {
    expect(() =>
      validateEnvironment(TracingEnvironment, {
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      }),
    ).not.toThrow();
  });

  it.each([
    ['OTEL_TRACES_SAMPLER_ARG', '1.5'],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'http'],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'collector:4318'],
    ['OTEL_SERVICE_NAME', 'shop api'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => validateEnvironment(TracingEnvironment, { [name]: value })).toThrow(
      new RegExp(`${name}: `),
    );
  });
});
