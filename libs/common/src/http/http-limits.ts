/**
 * What one request may be. Above a limit the request is refused before routing with a 4xx that
 * names the limit: 413 body, 400 JSON depth, 431 request line and headers, 414 path parameter,
 * 408 a request still arriving after the timeout. README "HTTP limits" lists them.
 */
export interface HttpLimits {
  /** Largest request body, in bytes. */
  bodyBytes: number;
  /** Deepest nesting of arrays and objects in a JSON body (the DTOs need 3). */
  jsonDepth: number;
  /** Request line plus all headers, in bytes (Node's `maxHeaderSize`). */
  headerBytes: number;
  /** Longest path parameter, in characters (Fastify's `maxParamLength`). */
  paramLength: number;
  /** Time for the headers to arrive, in milliseconds. */
  headersTimeoutMs: number;
  /** Time for the whole request (headers and body) to arrive, in milliseconds. */
  requestTimeoutMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  bodyBytes: 16 * 1024,
  jsonDepth: 16,
  headerBytes: 16 * 1024,
  paramLength: 100,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
};
