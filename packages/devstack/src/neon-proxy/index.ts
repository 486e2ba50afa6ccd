import { createServer } from 'node:http';
import { connect } from 'node:net';
import { WebSocketServer } from 'ws';
import { closeServer, listen, type RunningService } from '../net/listen.js';
import { sqlOverHttp } from './sql-over-http.js';

export type NeonProxyOptions = {
  host?: string;
  port: number;
  /** The only Postgres this proxy will reach: it is not an open relay. */
  postgresPort: number;
  postgresHost?: string;
};

export type RunningNeonProxy = RunningService & {
  /** Value for `neonConfig.wsProxy`: host:port/path, no protocol (the driver adds it). */
  wsProxy: string;
  /** Value for `neonConfig.fetchEndpoint`: Neon's SQL-over-HTTP endpoint (`neon()`). */
  sqlEndpoint: string;
  /** Drops every open connection, as a Neon compute restart would. */
  dropConnections(): void;
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Neon serves Postgres over WebSockets; `@neondatabase/serverless` speaks the plain Postgres
 * wire protocol inside binary WebSocket frames. This proxy unwraps them onto a TCP connection
 * to the embedded Postgres, so the production driver runs unchanged in Node and in workerd.
 *
 * The driver appends `?address=<host>:<port>` from the connection string; only the configured
 * Postgres is accepted. Beside it, `POST /sql` serves Neon's HTTP query mode (see
 * sql-over-http.ts) under the same rule.
 */
export async function startNeonProxy(options: NeonProxyOptions): Promise<RunningNeonProxy> {
  const host = options.host ?? '127.0.0.1';
  const postgresHost = options.postgresHost ?? '127.0.0.1';
  const sql = sqlOverHttp({ postgresPort: options.postgresPort, postgresHost });
  const http = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    if (path === '/sql' && req.method === 'POST') return sql.handle(req, res);
    if (path === '/sql') {
      res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain' }).end('POST only\n');
      return;
    }
    res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket upgrade required\n');
  });
  // noServer, with the upgrade routed here: attached through `{ server }`, ws re-emits the http
  // server's 'error' on the WebSocketServer, where nobody listens, so a taken port killed the
  // process with an unhandled EADDRINUSE before listen() could turn it into a PortInUseError.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  http.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://proxy').pathname !== '/v1') {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws, req) => {
    const address = new URL(req.url ?? '/', 'http://proxy').searchParams.get('address') ?? '';
    const separator = address.lastIndexOf(':');
    const targetHost = address.slice(0, separator);
    const targetPort = Number(address.slice(separator + 1));
    if (!LOOPBACK.has(targetHost) || targetPort !== options.postgresPort) {
      ws.close(1008, `this proxy only reaches 127.0.0.1:${options.postgresPort}`);
      return;
    }
    const socket = connect({ host: postgresHost, port: options.postgresPort });
    socket.setNoDelay(true);
    // Frames may arrive before the TCP connection is up; net.Socket buffers writes until then.
    ws.on('message', (data: Buffer) => socket.write(data));
    socket.on('data', (chunk) => ws.send(chunk, { binary: true }));
    socket.on('error', () => ws.close(1011, 'postgres unreachable'));
    socket.on('close', () => ws.readyState === ws.OPEN && ws.close(1000));
    ws.on('close', () => socket.destroy());
    ws.on('error', () => socket.destroy());
  });

  const port = await listen(http, { host, port: options.port, name: 'Neon WebSocket proxy' });
  return {
    url: `ws://${host}:${port}/v1`,
    port,
    wsProxy: `${host}:${port}/v1`,
    sqlEndpoint: `http://${host}:${port}/sql`,
    dropConnections() {
      for (const client of wss.clients) client.terminate();
      void sql.dropConnections();
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      await sql.close();
      wss.close();
      await closeServer(http);
    },
  };
}
