// A device's side of its room in Node (the `ws` package), raw frames in and out, for tests:
// connect with a connect token, send frames, wait for the frames the room answers with.
import { connectTokenMessage, type DeviceServerFrame, signDeviceRequest } from '@anythingiot/core';
import WebSocket from 'ws';

export type DeviceSocket = {
  socket: WebSocket;
  frames: DeviceServerFrame[];
  send(frame: unknown): void;
  sendRaw(text: string): void;
  /** The first frame (already received or coming) that matches. */
  next(match: (f: DeviceServerFrame) => boolean, timeoutMs?: number): Promise<DeviceServerFrame>;
  /** Resolves with the close code once the room closes the socket. */
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
};

/** The room URL of a device on a Worker base URL, with a connect token (http → ws). */
export async function deviceRoomUrl(
  baseUrl: string,
  device: { deviceId: string; secret: string },
  options: { timestamp?: string; signature?: string } = {},
) {
  const url = new URL(`/parties/device/${device.deviceId}`, baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const ts = options.timestamp ?? String(Date.now());
  url.searchParams.set('ts', ts);
  url.searchParams.set(
    'sig',
    options.signature ??
      (await signDeviceRequest(device.secret, connectTokenMessage(device.deviceId), ts)),
  );
  return url.toString();
}

/** Opens the socket; resolves with the client once open, or `{ refused, body }` on HTTP refusal. */
export function connectDevice(
  url: string,
): Promise<DeviceSocket | { refused: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const frames: DeviceServerFrame[] = [];
    const waiters: {
      match: (f: DeviceServerFrame) => boolean;
      done: (f: DeviceServerFrame) => void;
    }[] = [];
    let closedResolve: (v: { code: number; reason: string }) => void = () => {};
    const closed = new Promise<{ code: number; reason: string }>((r) => {
      closedResolve = r;
    });
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as DeviceServerFrame;
      frames.push(frame);
      for (const w of [...waiters]) {
        if (w.match(frame)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.done(frame);
        }
      }
    });
    socket.on('close', (code, reason) => closedResolve({ code, reason: String(reason) }));
    // Done at the closing handshake: the local dev runtime keeps the TCP connection for seconds
    // after it, and waiting for that would only slow the tests down.
    const close = socket.close.bind(socket);
    socket.close = (code?: number, reason?: string | Buffer) => {
      close(code, reason);
      const received = socket as unknown as { _closeFrameReceived: boolean; _closeCode: number };
      if (received._closeFrameReceived) {
        closedResolve({ code: received._closeCode, reason: String(reason ?? '') });
        socket.terminate();
      }
    };
    socket.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve({ refused: res.statusCode ?? 0, body }));
    });
    socket.on('error', (err) => {
      if (socket.readyState === WebSocket.CONNECTING) reject(err);
    });
    socket.on('open', () =>
      resolve({
        socket,
        frames,
        send: (frame) => socket.send(JSON.stringify(frame)),
        sendRaw: (text) => socket.send(text),
        next(match, timeoutMs = 10_000) {
          const seen = frames.find(match);
          if (seen) return Promise.resolve(seen);
          return new Promise((res, rej) => {
            const timer = setTimeout(
              () =>
                rej(
                  new Error(
                    `no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames)}`,
                  ),
                ),
              timeoutMs,
            );
            waiters.push({
              match,
              done: (f) => {
                clearTimeout(timer);
                res(f);
              },
            });
          });
        },
        closed,
        async close() {
          if (socket.readyState === WebSocket.CLOSED) return;
          // With a code: a close frame without one (1005) cannot be echoed, and the room would
          // leave the handshake to time out.
          socket.close(1000, 'bye');
          await closed;
        },
      }),
    );
  });
}

export function isSocket(value: DeviceSocket | { refused: number }): value is DeviceSocket {
  return 'socket' in value;
}
