/**
 * A TCP proxy the test controls, put between a server process and PostgreSQL to stage network
 * outages: `cut()` destroys every open connection (both sides see a reset) and refuses new ones
 * until `restore()`.
 */
import { createServer, type Socket, connect } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Connections currently open through the proxy. */
  openConnections(): number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let refusing = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // A reset is what the test stages; it is not an error of the proxy.
    socket.on('error', () => {});
  };
  const server = createServer((client) => {
    track(client);
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    openConnections: () => sockets.size,
    cut() {
      refusing = true;
      for (const socket of sockets) socket.resetAndDestroy();
    },
    restore() {
      refusing = false;
    },
    async close() {
      refusing = true;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
