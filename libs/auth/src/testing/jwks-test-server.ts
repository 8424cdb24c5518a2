import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TestSigningKey } from './test-signing-key.js';

/** How the server answers: normally, with HTTP 500, with an HTML page, or never (for timeouts). */
export type JwksServerMode = 'normal' | 'error' | 'html' | 'hang';

/**
 * A real local JWKS endpoint at Keycloak's path, for tests: it can publish and rotate keys, be
 * stopped (connection refused) and resumed, answer with errors or slowly, and counts requests.
 */
export class JwksTestServer {
  /** Requests received for the JWKS path. */
  requests = 0;
  mode: JwksServerMode = 'normal';
  /** Delay before answering, in milliseconds. */
  delayMs = 0;

  private jwks: { keys: object[] } = { keys: [] };
  private readonly sockets = new Set<Socket>();
  private port = 0;

  private constructor(
    private readonly server: Server,
    readonly realm: string,
  ) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Starts on a free loopback port, publishing `keys` (plus any raw JWKs in `extra`). */
  static async start(
    keys: TestSigningKey[],
    options: { realm?: string; extra?: object[] } = {},
  ): Promise<JwksTestServer> {
    const server = createServer();
    const jwks = new JwksTestServer(server, options.realm ?? 'techstore');
    server.on('request', (request: IncomingMessage, response: ServerResponse) =>
      jwks.handle(request, response),
    );
    jwks.publish(keys, options.extra);
    await jwks.listen(0);
    return jwks;
  }

  get realmUrl(): string {
    return `http://127.0.0.1:${this.port}/realms/${this.realm}`;
  }

  get jwksUri(): string {
    return `${this.realmUrl}/protocol/openid-connect/certs`;
  }

  /** Replaces the published keys (e.g. rotation: `[next, current]`, removal: `[next]`). */
  publish(keys: TestSigningKey[], extra: object[] = []): void {
    this.jwks = { keys: [...keys.map((key) => key.jwk), ...extra] };
  }

  /** Closes the listener and every open connection: fetches get ECONNREFUSED. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.sockets.forEach((socket) => socket.destroy());
    await closed;
  }

  /** Listens again on the same port. */
  resume(): Promise<void> {
    return this.listen(this.port);
  }

  close(): Promise<void> {
    return this.server.listening ? this.stop() : Promise.resolve();
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as { port: number }).port;
        resolve();
      });
    });
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    if (
      request.method !== 'GET' ||
      request.url !== `/realms/${this.realm}/protocol/openid-connect/certs`
    ) {
      response.writeHead(404).end();
      return;
    }
    this.requests++;
    const mode = this.mode;
    const body = JSON.stringify(this.jwks);
    const answer = () => {
      if (mode === 'hang') return;
      if (mode === 'error')
        response.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      else if (mode === 'html')
        response.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy login</html>');
      else response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    };
    if (this.delayMs > 0) setTimeout(answer, this.delayMs);
    else answer();
  }
}
