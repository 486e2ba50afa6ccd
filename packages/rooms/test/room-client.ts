// A dashboard's side of the live protocol in Node (the `ws` package), for tests and the bench:
// connect with a room token, subscribe, collect frames, and acknowledge like a page does.
import {
  LIVE_PROTOCOL_VERSION,
  type LiveClientFrame,
  type LiveServerFrame,
  signRoomToken,
} from '@anythingiot/core';
import WebSocket from 'ws';

export type RoomClient = {
  socket: WebSocket;
  frames: LiveServerFrame[];
  send(frame: LiveClientFrame): void;
  /** Resolves with the first frame (already received or coming) that matches. */
  next<T extends LiveServerFrame>(
    match: (f: LiveServerFrame) => f is T,
    timeoutMs?: number,
  ): Promise<T>;
  next(match: (f: LiveServerFrame) => boolean, timeoutMs?: number): Promise<LiveServerFrame>;
  /** Acknowledge the newest seq received (a page does this every few hundred ms). */
  ack(): void;
  close(): Promise<void>;
};

export type Refusal = { refused: number };

/** The URL of a tenant's room on a Worker base URL (http → ws). */
export const roomUrl = (baseUrl: string, tenantId: string, token?: string) => {
  const url = new URL(`/parties/tenant/${tenantId}`, baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (token !== undefined) url.searchParams.set('token', token);
  return url.toString();
};

/** A token as the dashboard's server would sign it. */
export async function tokenFor(
  secret: string,
  claims: {
    tenantId: string;
    userId?: string;
    role?: 'owner' | 'admin' | 'manager' | 'operator' | 'auditor' | 'vendor';
    facilityIds?: string[] | null;
    now?: number;
    ttlMs?: number;
  },
) {
  const { token } = await signRoomToken(secret, {
    tenantId: claims.tenantId,
    userId: claims.userId ?? 'usr_test',
    role: claims.role ?? 'admin',
    facilityIds: claims.facilityIds ?? null,
    now: claims.now ?? Date.now(),
    ttlMs: claims.ttlMs,
  });
  return token;
}

/**
 * Opens a socket. Resolves with the client once the room said hello, or with the HTTP status
 * when the upgrade was refused (the room never accepted a socket).
 */
export function connectRoom(
  url: string,
  options: { autoAckMs?: number } = {},
): Promise<RoomClient | Refusal> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const frames: LiveServerFrame[] = [];
    const waiters: {
      match: (f: LiveServerFrame) => boolean;
      done: (f: LiveServerFrame) => void;
    }[] = [];
    let highest = -1;
    let acked = -1;
    let timer: ReturnType<typeof setInterval> | undefined;
    const send = (frame: LiveClientFrame) => socket.send(JSON.stringify(frame));
    const ack = () => {
      if (highest > acked && socket.readyState === WebSocket.OPEN) {
        acked = highest;
        send({ v: LIVE_PROTOCOL_VERSION, type: 'ack', seq: highest });
      }
    };
    const client: RoomClient = {
      socket,
      frames,
      send,
      ack,
      next(match: (f: LiveServerFrame) => boolean, timeoutMs = 10_000) {
        const found = frames.find(match);
        if (found) return Promise.resolve(found);
        return new Promise<LiveServerFrame>((done, fail) => {
          const t = setTimeout(() => fail(new Error('no matching frame in time')), timeoutMs);
          waiters.push({
            match,
            done: (f) => {
              clearTimeout(t);
              done(f);
            },
          });
        });
      },
      close: () =>
        new Promise<void>((done) => {
          if (timer) clearInterval(timer);
          if (socket.readyState === WebSocket.CLOSED) return done();
          socket.once('close', () => done());
          socket.close();
        }),
    } as RoomClient;
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as LiveServerFrame;
      if ('seq' in frame && frame.seq > highest) highest = frame.seq;
      frames.push(frame);
      for (let i = waiters.length - 1; i >= 0; i--) {
        const w = waiters[i]!;
        if (w.match(frame)) {
          waiters.splice(i, 1);
          w.done(frame);
        }
      }
      if (frame.type === 'hello') {
        if (options.autoAckMs) timer = setInterval(ack, options.autoAckMs);
        resolve(client);
      }
    });
    socket.once('unexpected-response', (_req, res) => {
      resolve({ refused: res.statusCode ?? 0 });
      res.resume();
      socket.terminate();
    });
    socket.once('error', (err) => reject(err));
  });
}

export function isClient(c: RoomClient | Refusal): c is RoomClient {
  return 'socket' in c;
}

/** Connects and subscribes; throws on refusal. */
export async function subscribedClient(
  url: string,
  subscription: { facilityIds: string[] | 'all'; deviceIds?: string[] },
  options: { autoAckMs?: number } = {},
): Promise<RoomClient> {
  const client = await connectRoom(url, options);
  if (!isClient(client)) throw new Error(`refused with ${client.refused}`);
  client.send({
    v: LIVE_PROTOCOL_VERSION,
    type: 'subscribe',
    facilityIds: subscription.facilityIds,
    deviceIds: subscription.deviceIds ?? [],
  });
  await client.next((f) => f.type === 'subscribed');
  return client;
}
