import { connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP hop to a server that a fault test can cut and restore, e.g. between a service and the shared PostgreSQL. */
export interface TcpProxy {
  readonly port: number;
  /** `host:port` to give the service instead of the server's own address. */
  readonly address: string;
  /** Drops every open connection and refuses new ones, as a server that went away. */
  cut(): Promise<void>;
  /** Accepts connections again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy on a free port of 127.0.0.1 that forwards every connection to `targetHost:targetPort`. */
export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const newServer = (): Server =>
    createServer((client) => {
      const upstream = connect(targetPort, targetHost);
      track(client);
      track(upstream);
      client.pipe(upstream).pipe(client);
      const close = (): void => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
  const listen = (server: Server, port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const bound = server.address();
        resolve(typeof bound === 'object' && bound ? bound.port : port);
      });
    });
  const shut = (server: Server): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  let server: Server | undefined = newServer();
  const port = await listen(server, 0);
  return {
    port,
    address: `127.0.0.1:${port}`,
    cut: async () => {
      const open = server;
      server = undefined;
      if (open) await shut(open);
    },
    restore: async () => {
      if (server) return;
      server = newServer();
      await listen(server, port);
    },
    close: async () => {
      const open = server;
      server = undefined;
      if (open) await shut(open);
    },
  };
}
