import type { Server } from 'node:http';

/** Where a devstack service listens. Port 0 picks a free port (tests do this). */
export type ListenOptions = { host?: string; port: number; name: string };

/** A started service: where it is and how to stop it. */
export type RunningService = { url: string; port: number; close(): Promise<void> };

/** Thrown when a configured port is already taken, with a message that says what to do. */
export class PortInUseError extends Error {
  constructor(
    readonly service: string,
    readonly port: number,
  ) {
    super(
      `${service}: port ${port} is already in use. Stop whatever holds it ` +
        `(\`lsof -i :${port}\` or \`ss -ltnp 'sport = :${port}'\` shows it) or choose another port.`,
    );
    this.name = 'PortInUseError';
  }
}

/**
 * Starts `server` listening and resolves with the bound port.
 * EADDRINUSE becomes a PortInUseError naming the service, instead of an unhandled 'error' event.
 */
export function listen(server: Server, { host = '127.0.0.1', port, name }: ListenOptions) {
  return new Promise<number>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(name, port) : err);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Closes an http server, ending keep-alive sockets so close() does not hang. */
export function closeServer(server: Server) {
  return new Promise<void>((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
