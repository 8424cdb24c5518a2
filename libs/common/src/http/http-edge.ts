import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { HttpLimits } from './http-limits.js';
import { parseJsonBody } from './json-body.js';

/** The Fastify server options that enforce the limits (413, 414, 431, 408). */
export function fastifyLimitOptions(limits: HttpLimits) {
  return {
    bodyLimit: limits.bodyBytes,
    routerOptions: { maxParamLength: limits.paramLength },
    requestTimeout: limits.requestTimeoutMs,
    http: { maxHeaderSize: limits.headerBytes, headersTimeout: limits.headersTimeoutMs },
  };
}

/**
 * The edge every request passes before routing (docs/adr/0022): JSON is the only body type
 * accepted (anything else is 415), parsed strictly by {@link parseJsonBody}; and every response,
 * errors included, carries helmet's security headers. The content security policy is helmet's
 * default without `upgrade-insecure-requests` (the apps speak plain HTTP behind whatever
 * terminates TLS), which Swagger UI at /docs works under: its scripts are files, its styles
 * inline.
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
  await app.register(helmet, {
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
}
