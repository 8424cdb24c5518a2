import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A round-robin TCP load balancer on a free loopback port, standing where a Kubernetes Service
 * or compose's DNS round robin would: each new connection goes to the next backend that accepts
 * it; a backend that refuses (killed, restarting) is skipped; with none up, the connection is
 * closed. Bytes are piped as they are (HTTP keep-alive stays on one backend).
 */
export class Balancer {
  private next = 0;
  private readonly sockets = new Set<Socket>();
  private readonly server: Server = createServer((client) => void this.route(client));

  private constructor(private readonly backends: () => number[]) {}

  static async start(backendPorts: () => number[]): Promise<Balancer> {
    const balancer = new Balancer(backendPorts);
    balancer.server.listen(0, '127.0.0.1');
    await once(balancer.server, 'listening');
    return balancer;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
    await once(this.server, 'close');
  }

  private async route(client: Socket): Promise<void> {
    this.track(client);
    client.pause();
    const ports = this.backends();
    for (let tried = 0; tried < ports.length; tried += 1) {
      const port = ports[this.next++ % ports.length];
      const upstream = await this.open(port);
      if (!upstream) continue;
      this.track(upstream);
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.resume();
      return;
    }
    client.destroy();
  }

  private open(port: number): Promise<Socket | undefined> {
    return new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(socket));
      socket.once('error', () => resolve(undefined));
    });
  }

  /** Every socket, client or upstream: a reset by either side (a killed replica) just closes it. */
  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }
}
