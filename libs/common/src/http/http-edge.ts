import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
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
export const SECURITY_HEADERS: HelmetOptions = {
  contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
};

/**
 * What helmet's middleware does to a response under SECURITY_HEADERS, recorded once: the headers
 * do not depend on the request. @fastify/helmet built the middleware again for every request, and
 * the middleware runs a chain of thirteen functions; together a fifth of the idempotent
 * notification's CPU time (docs/adr/0018).
 */
function recordSecurityHeaders() {
  const probe = new ServerResponse(new IncomingMessage(new Socket()));
  const set: [string, number | string | readonly string[]][] = [];
  const removed: string[] = [];
  probe.setHeader = (name, value) => {
    set.push([name, value]);
    return probe;
  };
  probe.removeHeader = (name) => removed.push(name);
  helmet(SECURITY_HEADERS)(probe.req, probe, () => undefined);
  return { set, removed };
}

const SECURITY_HEADER_WRITES = recordSecurityHeaders();

/** Where security headers go: a Fastify reply, or anything with its two header methods. */
export interface HeaderTarget {
  header(name: string, value: number | string | readonly string[]): unknown;
  removeHeader(name: string): unknown;
}

/**
 * helmet's headers on a response, as its middleware sets them, but on the Fastify reply rather
 * than on Node's response: Node then writes the reply's headers as they are, where headers set
 * on its response first are validated and stored one by one and merged with the reply's again
 * (about 8 µs of the idempotent notification's CPU time; docs/adr/0018).
 */
export function securityHeaders(reply: HeaderTarget): void {
  for (const [name, value] of SECURITY_HEADER_WRITES.set) reply.header(name, value);
  for (const name of SECURITY_HEADER_WRITES.removed) reply.removeHeader(name);
}

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
      securityHeaders(reply);
      void reply.send(error);
    },
  };
}

/**
 * The edge every request passes before routing (docs/adr/0022): JSON is the only body type
 * accepted (anything else is 415), parsed strictly by {@link parseJsonBody}; and every response,
 * errors and 404s included, carries helmet's security headers (set when the request arrives, as
 * @fastify/helmet sets them, from the middleware built once).
 */
export function hardenHttpEdge(app: NestFastifyApplication, limits: HttpLimits): void {
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
  fastify.addHook('onRequest', (_request, reply, done) => {
    securityHeaders(reply);
    done();
  });
}
