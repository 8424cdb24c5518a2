// Imported first by main.ts: the OpenTelemetry SDK must hook node:http, undici and Fastify
// before anything loads them. Does nothing unless OTEL_* variables ask for traces.
import { startTracing } from '@app/common/tracing/start-tracing.js';

startTracing('shop-api');
