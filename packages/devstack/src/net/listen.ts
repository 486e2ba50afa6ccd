import type { Server } from 'node:http';

/** Where a devstack service listens. Port 0 picks a free port (tests do this). */
export type ListenOptions = { host?: string; port: number; name: string };

/** A started service: where it is and how to stop it. */
export type RunningService = { url: string; port: number; close(): Promise<void> };

/**
 * Thrown when a configured port is already taken. The message is one sentence for a person:
 * which service, which address, and (when the caller knows it) the variable that moves it.
 */
export class PortInUseError extends Error {
  constructor(
    readonly service: string,
    readonly port: number,
    readonly host = '127.0.0.1',
    /** The environment variable that sets this port, e.g. DEVSTACK_NEON_PROXY_PORT. */
    readonly portEnv?: string,
  ) {
    super(
      `The ${service} could not listen on ${host}:${port}: the port is in use. ` +
        (portEnv
          ? `Set ${portEnv} to another port.`
          : 'Stop whatever holds it or choose another port.'),
    );
    this.name = 'PortInUseError';
  }

  /** The same error, naming the variable that sets the port (the caller knows it, not the service). */
  withPortEnv(portEnv: string) {
    return new PortInUseError(this.service, this.port, this.host, portEnv);
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
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(name, port, host) : err);
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
