// A TCP relay in front of one of the stack's servers, which a test cuts as a network partition would: the server
// stays up for everyone else, and a client of the relay finds its connections dropped and new ones refused.
import { createServer, connect, type Socket } from 'node:net';

export interface TcpRelay {
  port: number;
  /** Drops every relayed connection and stops listening: the port then refuses connections. Again: nothing. */
  cut(): Promise<void>;
}

export async function startTcpRelay(host: string, port: number): Promise<TcpRelay> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(port, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => (s === client ? upstream : client).destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    async cut() {
      // server.close calls back (with an error) when the server is already closed.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

/** `url` with its host and port replaced by the relay's. */
export function throughRelay(url: string, relay: TcpRelay): string {
  return atLocalPort(url, relay.port);
}

/** `url` (postgres://, mongodb://) pointed at 127.0.0.1:`port` instead, a relay's or a proxy's in front of its server. */
export function atLocalPort(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}

/** A loopback port free at the moment of asking (for a server that must be told its port). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
