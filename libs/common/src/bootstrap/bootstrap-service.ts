import {
  ValidationPipe,
  type DynamicModule,
  type INestApplication,
  type LogLevel as NestLogLevel,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigValidationError } from '../config/config-validation.error';
import type { LogLevel } from '../config/base.environment';

export interface ServiceBootstrap<C extends { port: number; logLevel: LogLevel }> {
  name: string;
  /** Validates the environment; throws ConfigValidationError naming every bad variable. */
  loadConfig: (env: NodeJS.ProcessEnv) => C;
  appModule: (config: C) => DynamicModule;
}

const NEST_LEVELS: Record<LogLevel, NestLogLevel[]> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** Creates the app on the Fastify adapter (see docs/adr/0001) without listening. */
export async function createService<C extends { port: number; logLevel: LogLevel }>(
  spec: ServiceBootstrap<C>,
  config: C,
): Promise<INestApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    spec.appModule(config),
    new FastifyAdapter(),
    { logger: NEST_LEVELS[config.logLevel], abortOnError: false },
  );
  app.enableShutdownHooks();
  // Request bodies are validated against their DTO classes; unknown fields are refused (400).
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  return app;
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
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${spec.name}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createService(spec, config);
  await app.listen(config.port, '0.0.0.0');
}
