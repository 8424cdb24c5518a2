import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsUrl, Matches } from 'class-validator';

const httpUrl = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };
const lowerCase = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export const TRACES_EXPORTERS = ['otlp', 'console', 'none'] as const;
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
export const TRACES_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

/**
 * The standard OpenTelemetry variables that decide whether and where traces go. The SDK reads
 * them (and every other `OTEL_*` variable) itself; they are validated here so that a typo stops
 * start-up with a message naming the variable instead of a warning on stderr.
 */
export class TracingEnvironment {
  @IsOptional()
  @Transform(lowerCase)
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  OTEL_SDK_DISABLED?: string = undefined;

  @IsOptional()
  @Transform(lowerCase)
  @Matches(
    new RegExp(`^(${TRACES_EXPORTERS.join('|')})(\\s*,\\s*(${TRACES_EXPORTERS.join('|')}))*$`),
    {
      message: `must be a comma-separated list of ${TRACES_EXPORTERS.join(', ')}`,
    },
  )
  OTEL_TRACES_EXPORTER?: string = undefined;

  @IsOptional()
  @IsUrl(httpUrl, { message: 'must be an absolute http(s) URL, e.g. http://localhost:4318' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string = undefined;

  @IsOptional()
  @IsUrl(httpUrl, {
    message: 'must be an absolute http(s) URL, e.g. http://localhost:4318/v1/traces',
  })
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string = undefined;

  @IsOptional()
  @Transform(lowerCase)
  @IsIn(OTLP_PROTOCOLS, { message: `must be one of ${OTLP_PROTOCOLS.join(', ')}` })
  OTEL_EXPORTER_OTLP_PROTOCOL?: string = undefined;

  @IsOptional()
  @Transform(lowerCase)
  @IsIn(OTLP_PROTOCOLS, { message: `must be one of ${OTLP_PROTOCOLS.join(', ')}` })
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?: string = undefined;

  @IsOptional()
  @Transform(lowerCase)
  @IsIn(TRACES_SAMPLERS, { message: `must be one of ${TRACES_SAMPLERS.join(', ')}` })
  OTEL_TRACES_SAMPLER?: string = undefined;

  @IsOptional()
  @Matches(/^(0(\.\d+)?|1(\.0+)?)$/, { message: 'must be a ratio between 0 and 1, e.g. 0.1' })
  OTEL_TRACES_SAMPLER_ARG?: string = undefined;

  @IsOptional()
  @Matches(/^[\x21-\x7e]{1,100}$/, { message: 'must be a service name (printable ASCII)' })
  OTEL_SERVICE_NAME?: string = undefined;
}

/**
 * Tracing is off unless asked for: an OTLP endpoint or an exporter other than `none` turns it
 * on (one variable), and `OTEL_SDK_DISABLED=true` turns it off again whatever else is set.
 */
export function tracingRequested(env: TracingEnvironment): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((name) => name.trim());
  if (exporters.includes('none')) return false;
  return (
    exporters.some((name) => name !== '') ||
    env.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined ||
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined
  );
}
