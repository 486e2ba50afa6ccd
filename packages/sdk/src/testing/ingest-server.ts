import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyDeviceSignature } from '@anythingiot/core';
import type { BufferedReading } from '../store.js';

/** One request as the fake api saw it, with the status it answered. */
export type ReceivedRequest = {
  deviceId: string | undefined;
  timestamp: number | undefined;
  signature: string | undefined;
  readings: BufferedReading[];
  status: number;
};

/** A scripted answer, returned only for requests that passed every protocol check. */
export type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

type ServerOptions = {
  deviceId: string;
  secret: string;
  /** The api's replay window for X-Timestamp. */
  windowMs?: number;
  /** Whether a stale_timestamp problem carries the server's time (and a Date header). */
  staleServerTime?: boolean;
  serverTimeAs?: 'iso' | 'ms';
  script?: Array<Reply | ((readings: BufferedReading[]) => Reply)>;
};

/**
 * A stand-in for `POST /v1/ingest` that checks the real device protocol — headers, timestamp
 * window, HMAC over the raw received bytes, replay — before playing any scripted answer, so a
 * client that signs the wrong bytes fails the test instead of passing it.
 */
export async function startIngestServer(options: ServerOptions) {
  const windowMs = options.windowMs ?? 5 * 60_000;
  const script = [...(options.script ?? [])];
  const requests: ReceivedRequest[] = [];
  const seenSignatures = new Set<string>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, Buffer.concat(chunks), res).catch((err) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
  });

  async function handle(req: IncomingMessage, raw: Buffer, res: ServerResponse) {
    const deviceId = header(req, 'x-device-id');
    const tsHeader = header(req, 'x-timestamp');
    const signature = header(req, 'x-signature');
    const timestamp = tsHeader && /^\d+$/.test(tsHeader) ? Number(tsHeader) : undefined;
    let readings: BufferedReading[] = [];
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      requests.push({ deviceId, timestamp, signature, readings, status });
      const type = status === 200 ? 'application/json' : 'application/problem+json';
      res.writeHead(status, { 'Content-Type': type, ...headers });
      res.end(JSON.stringify(body));
    };
    const problem = (status: number, code: string, extra: Record<string, unknown> = {}) =>
      answer(status, { type: 'about:blank', title: code, status, code, ...extra });

    if (req.method !== 'POST' || req.url !== '/v1/ingest') return problem(404, 'not_found');
    if (!deviceId || !signature || timestamp === undefined) return problem(400, 'bad_headers');
    if (!header(req, 'content-type')?.startsWith('application/json')) {
      return problem(400, 'bad_headers');
    }
    if (deviceId !== options.deviceId) return problem(401, 'unknown_device');
    if (Math.abs(timestamp - Date.now()) > windowMs) {
      if (options.staleServerTime === false) res.sendDate = false;
      return problem(
        401,
        'stale_timestamp',
        options.staleServerTime === false ? {} : { serverTime: serverTime() },
      );
    }
    const valid = await verifyDeviceSignature(
      options.secret,
      new Uint8Array(raw),
      tsHeader!,
      signature,
    );
    if (!valid) return problem(401, 'bad_signature');
    if (seenSignatures.has(signature)) return problem(401, 'replayed');
    seenSignatures.add(signature);

    try {
      readings = (JSON.parse(raw.toString('utf8')) as { readings: BufferedReading[] }).readings;
    } catch {
      return problem(422, 'invalid_json');
    }

    const step = script.shift();
    const reply = typeof step === 'function' ? step(readings) : step;
    if (reply) return answer(reply.status, reply.body ?? {}, reply.headers);
    return answer(200, {
      accepted: readings.length,
      duplicates: 0,
      rejected: [],
      serverTime: serverTime(),
      commands: [],
    });
  }

  function serverTime() {
    return options.serverTimeAs === 'ms' ? Date.now() : new Date().toISOString();
  }

  async function listen(port = 0) {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async function close() {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  const port = await listen();
  return {
    url: `http://127.0.0.1:${port}/v1/ingest`,
    port,
    requests,
    /** Requests the server acknowledged with 200, in arrival order. */
    accepted: () => requests.filter((r) => r.status === 200),
    listen,
    close,
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
