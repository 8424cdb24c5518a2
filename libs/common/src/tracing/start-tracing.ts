import type { IncomingMessage } from 'node:http';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { validateEnvironment } from '../config/validate-environment.js';
import { TracingEnvironment, tracingRequested } from './tracing.environment.js';
import { tracingState } from './tracing-state.js';

/** Requests that are never traced: probes and scrapes, many per minute, none worth a trace. */
const UNTRACED_PATHS = /^\/(health|metrics|docs)(\/|\?|$)/;

/** Query parameters whose values never reach a span (the guard refuses them anyway). */
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
 * Instrumentations (docs/adr/0021): `node:http` (server spans, and the axios call to
 * notification-service as a client span carrying `traceparent`), undici (the token request made
 * with `fetch`), and Fastify's own `@fastify/otel` (the route and the Nest handler behind it).
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
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) =>
          UNTRACED_PATHS.test(request.url ?? ''),
        // Background work outside any request (a JWKS refresh) starts no trace of its own.
        requireParentforOutgoingSpans: true,
        redactedQueryParams: CREDENTIAL_PARAMETERS,
        redactedQueryParamsServer: CREDENTIAL_PARAMETERS,
      }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        // One span for the route and one for its handler; hook spans would only add noise.
        instrumentHooks: false,
        ignorePaths: ({ url }) => UNTRACED_PATHS.test(url),
        // Fastify's request.url keeps the query string; the span keeps the path only.
        requestHook: (span, request) => span.setAttribute('url.path', request.url.split('?')[0]),
      }),
    ],
  });
  sdk.start();
  tracingState.enable(() => sdk.shutdown());
  return true;
}
