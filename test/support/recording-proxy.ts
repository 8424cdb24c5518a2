import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { LoopbackServer } from './loopback-server.js';

/**
 * A plain HTTP forwarder that remembers each request's method, path and headers, to see what an
 * app really sends upstream (e.g. `traceparent` on the token request).
 */
export class RecordingProxy extends LoopbackServer {
  readonly requests: { method: string; path: string; headers: IncomingHttpHeaders }[] = [];

  static async start(target: string): Promise<RecordingProxy> {
    const upstream = new URL(target);
    const server = createServer();
    const proxy = new RecordingProxy(server);
    server.on('request', (incoming, outgoing) => {
      proxy.requests.push({
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        headers: incoming.headers,
      });
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: upstream.host },
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forward.on('error', () => outgoing.writeHead(502).end());
      incoming.pipe(forward);
    });
    return LoopbackServer.listen(proxy);
  }
}
