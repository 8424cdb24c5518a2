import fastifyHelmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { HttpLimits } from './http-limits.js';
import { parseJsonBody } from './json-body.js';

/**
 * Helmet's defaults, without `upgrade-insecure-requests` (the apps speak plain HTTP behind
 * whatever terminates TLS). Swagger UI at /docs works under this policy: its scripts are files,
 * its styles inline (helmet allows inline styles).
 */
const SECURITY_HEADERS: HelmetOptions = {
  contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
};

/**
 * The Fastify server options that enforce the limits (413, 414, 431, 408). Fastify's router
 * answers a malformed URL (400) and an over-long path parameter (414) before any hook runs, so
 * `frameworkErrors` adds the security headers and the request id to those two answers itself.
 */
export function fastifyEdgeOptions(limits: HttpLimits) {
  return {
    bodyLimit: limits.bodyBytes,
    routerOptions: { maxParamLength: limits.paramLength },
    requestTimeout: limits.requestTimeoutMs,
    http: { maxHeaderSize: limits.headerBytes, headersTimeout: limits.headersTimeoutMs },
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      void reply.header('x-request-id', request.id);
      helmet(SECURITY_HEADERS)(request.raw, reply.raw, () => void reply.send(error));
    },
  };
}

/**
 * The edge every request passes before routing (docs/adr/0022): JSON is the only body type
 * accepted (anything else is 415), parsed strictly by {@link parseJsonBody}; and every response,
 * errors and 404s included, carries helmet's security headers (@fastify/helmet).
 */
export async function hardenHttpEdge(app: NestFastifyApplication, limits: HttpLimits) {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: limits.bodyBytes },
    (request, body, done) => {
      try {
        done(null, parseJsonBody(body as Buffer, request.headers, limits.jsonDepth));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
  await app.register(fastifyHelmet, SECURITY_HEADERS);
}
