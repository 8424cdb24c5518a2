import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

interface RequestContext {
  requestId: string;
}

/** The request being served, for log lines written anywhere below the HTTP handler. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Keeps a caller's `X-Request-Id` when it is a short token of safe characters (it ends up in
 * logs, so anything else is replaced rather than trusted), otherwise makes a new one.
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && SAFE_REQUEST_ID.test(header) ? header : randomUUID();
}
