import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** What a route handler sees: the parsed URL and the whole body, already read. */
export type CatcherRequest = {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Aborted when the client goes away or the catcher closes, so slow replies can stop early. */
  signal: AbortSignal;
};

/** What a route handler answers; object bodies are sent as JSON. */
export type Reply = {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer | object;
};

/** Thrown by readBody when a request is larger than the route allows. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body is larger than ${limit} bytes.`);
    this.name = 'BodyTooLargeError';
  }
}

/** Reads a request body into one Buffer, refusing more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number) {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Keep draining instead of destroying the socket, so the client still gets a 413.
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () =>
      size > limit ? reject(new BodyTooLargeError(limit)) : resolve(Buffer.concat(chunks)),
    );
    req.on('error', reject);
  });
}

/** A JSON reply. */
export function json(status: number, body: object, headers?: Record<string, string>): Reply {
  return { status, body, ...(headers ? { headers } : {}) };
}

/** Writes a Reply; a no-op when the client already went away. */
export function send(res: ServerResponse, reply: Reply) {
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string> = { ...reply.headers };
  let payload: string | Uint8Array | undefined;
  // instanceof, not Buffer.isBuffer: @types/node 22's generic Buffer no longer narrows `object`.
  if (
    reply.body === undefined ||
    typeof reply.body === 'string' ||
    reply.body instanceof Uint8Array
  ) {
    payload = reply.body;
  } else {
    payload = JSON.stringify(reply.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  // 204/304 must not carry a body.
  if (reply.status === 204 || reply.status === 304) payload = undefined;
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** The first value of a header that may have been sent more than once. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Decodes one path segment; a malformed escape yields null instead of throwing. */
export function segment(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}
