import { FastifyOtelInstrumentation } from '@fastify/otel';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { validateEnvironment } from '../config/validate-environment.js';
import { TracingEnvironment, tracingRequested } from './tracing.environment.js';
import { tracingState } from './tracing-state.js';

/** Requests that are never traced: probes and scrapes, many per minute, none worth a trace. */
const UNTRACED_PATHS = /^\/(health|metrics|docs)(\/|\?|$)/;

/** Query parameters of outgoing calls whose values never reach a span. */
const CREDENTIAL_PARAMETERS = [
  'access_token',
  'id_token',
  'refresh_token',
  'token',
  'client_secret',
  'client_assertion',
  'assertion',
  'password',
  'code',
];

/**
 * Starts the OpenTelemetry SDK for traces when the environment asks for it (see
 * {@link tracingRequested}); otherwise does nothing, so an app without `OTEL_*` variables pays
 * nothing. Must run before Nest, Fastify or axios are loaded: each app's `main.ts` imports its
 * `instrumentation.ts` first. Invalid variables leave tracing off here; the app's own
 * configuration check then stops start-up naming them.
 *
 * Instrumentations (docs/adr/0021): Fastify's own `@fastify/otel` (the server span, named after
 * the route template, and the Nest handler behind it), `node:http` for outgoing calls (the axios
 * call to notification-service, carrying `traceparent`) and undici (the token request made with
 * `fetch`).
 * Everything else exports through the standard variables: exporter, endpoint, protocol,
 * headers, sampler, batch sizes, resource attributes.
 */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): boolean {
  let settings: TracingEnvironment;
  try {
    settings = validateEnvironment(TracingEnvironment, env);
  } catch {
    return false;
  }
  if (!tracingRequested(settings)) return false;
  const sdk = new NodeSDK({
    serviceName: settings.OTEL_SERVICE_NAME ?? service,
    // Traces only: metrics stay on /metrics (Prometheus), logs stay JSON on stdout.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      // Outgoing only: the axios call to notification-service. Incoming requests get their
      // server span from @fastify/otel, which reads `traceparent` itself (one span, not two).
      new HttpInstrumentation({
        disableIncomingRequestInstrumentation: true,
        // Background work outside any request (a JWKS refresh) starts no trace of its own.
        requireParentforOutgoingSpans: true,
        redactedQueryParams: CREDENTIAL_PARAMETERS,
      }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        // One span for the request and one for its handler; hook spans would only add noise.
        instrumentHooks: false,
        // A 4xx message can quote what the caller sent; a stack trace does not belong in a span.
        recordExceptions: false,
        ignorePaths: ({ url }) => UNTRACED_PATHS.test(url),
        requestHook: (span, request) => {
          span.updateName(`${request.method} ${request.routeOptions.url ?? 'unmatched'}`);
          // Fastify's request.url keeps the query string; the span keeps the path only.
          span.setAttribute('url.path', request.url.split('?')[0]);
        },
      }),
    ],
  });
  sdk.start();
  tracingState.enable(() => sdk.shutdown());
  return true;
}
