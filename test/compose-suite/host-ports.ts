import { connect } from 'node:net';

/** The ports among `ports` that something on this machine already listens on (127.0.0.1). */
export async function portsInUse(ports: number[]): Promise<number[]> {
  const listening = await Promise.all(
    ports.map(
      (port) =>
        new Promise<boolean>((resolve) => {
          const socket = connect({ host: '127.0.0.1', port, timeout: 1000 });
          const done = (result: boolean) => {
            socket.destroy();
            resolve(result);
          };
          socket.once('connect', () => done(true));
          socket.once('timeout', () => done(false));
          socket.once('error', () => done(false));
        }),
    ),
  );
  return ports.filter((_, index) => listening[index]);
}
