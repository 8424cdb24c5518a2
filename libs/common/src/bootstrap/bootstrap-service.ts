import type { IncomingMessage } from 'node:http';
import { Logger, type DynamicModule, type LogLevel as NestLogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Histogram, type Registry } from 'prom-client';
import type { LogLevel } from '../config/base.environment.js';
import { EnvConfigError } from '../config/env-config.error.js';
import { fastifyEdgeOptions, hardenHttpEdge } from '../http/http-edge.js';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from '../http/http-limits.js';
import { batchedStdout } from '../logging/batched-stdout.js';
import { JsonLogger } from '../logging/json-logger.js';
import { requestContext, requestIdFrom } from '../logging/request-context.js';
import { GatheredObservations } from '../metrics/gathered-observations.js';
import { METRICS_REGISTRY } from '../metrics/metrics.constants.js';
import { FastPathValidationPipe } from '../validation/fast-path-validation.pipe.js';

export interface ServiceBootstrap<C extends { port: number; logLevel: LogLevel }> {
  name: string;
  /** One line for the OpenAPI document. */
  description: string;
  /** Validates the environment; throws EnvConfigError naming every bad variable. */
  loadConfig: (env: NodeJS.ProcessEnv) => C;
  appModule: (config: C) => DynamicModule;
  /** This app's HTTP limits where they differ from DEFAULT_HTTP_LIMITS. */
  httpLimits?: Partial<HttpLimits>;
}

const NEST_LEVELS: Record<LogLevel, NestLogLevel[]> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/**
 * Creates the app on the Fastify adapter (docs/adr/0001) without listening: the hardened edge
 * (limits, strict JSON, security headers; docs/adr/0022), JSON logs with a request id (to stdout
 * in batches, one write per turn of the event loop), one log line and one histogram sample per
 * request, DTO validation, OpenAPI at /docs, and shutdown
 * hooks so SIGTERM drains the server.
 */
export async function createService<C extends { port: number; logLevel: LogLevel }>(
  spec: ServiceBootstrap<C>,
  config: C,
): Promise<NestFastifyApplication> {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...spec.httpLimits };
  const adapter = new FastifyAdapter({
    ...fastifyEdgeOptions(limits),
    genReqId: (req: IncomingMessage) => requestIdFrom(req.headers['x-request-id']),
  });
  const logger = new JsonLogger(spec.name, NEST_LEVELS[config.logLevel], batchedStdout());
  const app = await NestFactory.create<NestFastifyApplication>(spec.appModule(config), adapter, {
    logger,
    abortOnError: false,
    // hardenHttpEdge registers the one body parser (JSON, strict).
    bodyParser: false,
  });
  hardenHttpEdge(app, limits);
  instrumentRequests(app, logger);
  // After the shutdown hooks, process.exit rather than the signal again, so that the `exit` event
  // writes the log lines still gathered (batchedStdout).
  app.enableShutdownHooks([], { useProcessExit: true });
  // Request bodies are validated against their DTO classes; unknown fields are refused (400).
  app.useGlobalPipes(
    new FastPathValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(spec.name)
      .setDescription(spec.description)
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  return app;
}

function instrumentRequests(app: NestFastifyApplication, logger: JsonLogger): void {
  const registry = app.get<Registry>(METRICS_REGISTRY, { strict: false });
  const duration: Histogram<'method' | 'route' | 'status_code'> = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP requests served, by route template and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
    // Read by /metrics: first the samples gathered since the last read.
    collect: (): void => samples.flush(),
  });
  // One series per method, route and status, found by a string key; the samples of a request
  // are gathered and observed in one loop when the histogram is read (ADR 0018).
  const samples: GatheredObservations<'method' | 'route' | 'status_code'> =
    new GatheredObservations(duration);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    const started = performance.now();
    // A client that hangs up before the answer (mid-body, or while the handler works) is an
    // ordinary event, not an error: one info line and a sample under 499 ("client closed
    // request", as nginx logs it), no stack trace. Fastify runs no onResponse hook for it.
    reply.raw.once('close', () => {
      if (reply.raw.writableFinished) return;
      const route = request.routeOptions.url ?? 'unmatched';
      const elapsedMs = performance.now() - started;
      duration.observe({ method: request.method, route, status_code: 499 }, elapsedMs / 1000);
      requestContext.run({ requestId: request.id }, () =>
        logger.logLine(
          `${request.method} ${route} 499 ${Math.round(elapsedMs)}ms: the client closed the connection`,
          'HTTP',
        ),
      );
    });
    requestContext.run({ requestId: request.id }, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    // The route template, never the raw URL: a query string may carry a token.
    const route = request.routeOptions.url ?? 'unmatched';
    const { method } = request;
    const status = reply.statusCode;
    const elapsedMs = reply.elapsedTime;
    const key = `${method} ${route} ${status}`;
    samples.observe(key, () => ({ method, route, status_code: status }), elapsedMs / 1000);
    logger.logLine(`${key} ${Math.round(elapsedMs)}ms`, 'HTTP');
    done();
  });
}

/**
 * Entry point shared by both apps: validate configuration first (a bad variable ends the process
 * with exit code 1 and a message naming it), then create the app and listen on all interfaces.
 */
export async function bootstrapService<C extends { port: number; logLevel: LogLevel }>(
  spec: ServiceBootstrap<C>,
): Promise<void> {
  let config: C;
  try {
    config = spec.loadConfig(process.env);
  } catch (error) {
    if (error instanceof EnvConfigError) {
      process.stderr.write(`${spec.name}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  let app: NestFastifyApplication;
  try {
    app = await createService(spec, config);
  } catch (error) {
    // The store could not be opened (DATA_DIR, DATABASE_URL): one line naming the variable,
    // exit code 1, as for invalid configuration. Anything else keeps its stack trace.
    if ((error as { code?: unknown }).code === 'STORE_UNAVAILABLE') {
      process.stderr.write(`${spec.name}: ${(error as Error).message}\n`);
      process.exit(1);
    }
    throw error;
  }
  await app.listen(config.port, '0.0.0.0');
  new Logger('Bootstrap').log(`${spec.name} listening on port ${config.port}`);
}
