import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A test HTTP server on a free loopback port: the base class of the small servers the e2e
 * suites run beside the apps (OTLP receiver, recording proxy).
 */
export abstract class LoopbackServer {
  protected constructor(private readonly server: Server) {}

  protected static async listen<T extends LoopbackServer>(instance: T): Promise<T> {
    instance.server.listen(0, '127.0.0.1');
    await once(instance.server, 'listening');
    return instance;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}
