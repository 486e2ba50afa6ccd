import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { LiveClient, type LiveClientOptions, type LiveState } from '../app/ui/live/client';

// The page's connection logic against a stand-in room (a `ws` server speaking the tenant
// room's frames), so reconnection, the retry budget, token refresh and acknowledgements can be
// driven precisely. The real room is exercised by the browser test (e2e/live.spec.ts).

type Room = {
  url: string;
  /** Each accepted connection: its token, the frames it sent us, and its socket. */
  connections: { token: string | null; frames: Record<string, unknown>[]; socket: WebSocket }[];
  refuse: boolean;
  /** What hello says of the token's lifetime. */
  tokenLifetimeMs: number;
  close: () => Promise<void>;
};

async function startRoom(): Promise<Room> {
  const room: Room = {
    url: '',
    connections: [],
    refuse: false,
    tokenLifetimeMs: 300_000,
    close: async () => {},
  };
  const server = new WebSocketServer({
    port: 0,
    verifyClient: (_info, done) => (room.refuse ? done(false, 401) : done(true)),
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  room.url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/parties/tenant/tnt_1`;
  server.on('connection', (socket, request) => {
    const token = new URL(request.url ?? '', 'http://x').searchParams.get('token');
    const connection = { token, frames: [] as Record<string, unknown>[], socket };
    room.connections.push(connection);
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      connection.frames.push(frame);
      if (frame.type === 'subscribe' || frame.type === 'refresh') {
        socket.send(
          JSON.stringify({
            v: 1,
            type: 'subscribed',
            facilityIds: frame.facilityIds ?? 'all',
            deviceIds: frame.deviceIds ?? [],
            expiresAt: Date.now() + 60_000,
          }),
        );
      }
    });
    const now = Date.now();
    socket.send(
      JSON.stringify({
        v: 1,
        type: 'hello',
        tenantId: 'tnt_1',
        role: 'operator',
        facilityIds: ['fac_1'],
        expiresAt: now + room.tokenLifetimeMs,
        at: now,
      }),
    );
  });
  room.close = () =>
    new Promise((resolve) => {
      for (const c of server.clients) c.terminate();
      server.close(() => resolve());
    });
  return room;
}

const reading = (seq: number, value: number) =>
  JSON.stringify({
    v: 1,
    seq,
    type: 'readings',
    deviceId: 'dev_1',
    facilityId: 'fac_1',
    acceptedAt: 1,
    latest: { temperature: { ts: seq, value } },
    points: [{ metric: 'temperature', ts: seq, value }],
  });

let room: Room;
let client: LiveClient | undefined;
afterEach(async () => {
  client?.close();
  client = undefined;
  await room?.close();
});

async function setup(options: Partial<LiveClientOptions> = {}, lifetimeMs = 300_000) {
  room = await startRoom();
  room.tokenLifetimeMs = lifetimeMs;
  const log = {
    states: [] as LiveState[],
    events: [] as number[],
    catchUps: [] as string[],
    tickets: 0,
    invalid: [] as string[],
  };
  client = new LiveClient({
    WebSocket: (await import('ws')).WebSocket,
    fetchTicket: async () => {
      log.tickets++;
      return { token: `tok-${log.tickets}`, url: room.url, expiresAt: Date.now() + lifetimeMs };
    },
    onState: (s) => log.states.push(s),
    onEvent: (frame) => log.events.push(frame.seq),
    onCatchUp: (why) => log.catchUps.push(why),
    onInvalidFrame: (reason, path) => log.invalid.push(`${reason}:${path ?? ''}`),
    minDelayMs: 10,
    maxDelayMs: 40,
    ackEveryMs: 20,
    ...options,
  });
  return log;
}

const until = (check: () => boolean) => vi.waitFor(() => expect(check()).toBe(true), 5_000);

describe('the live client', () => {
  it('connects with a fresh ticket, subscribes after hello, then asks the page to catch up', async () => {
    const log = await setup();
    client!.subscribe({ facilityIds: ['fac_1'], deviceIds: ['dev_9'] });
    await until(() => log.catchUps.length === 1);
    expect(log.states.map((s) => s.status)).toEqual(['live']);
    expect(room.connections).toHaveLength(1);
    expect(room.connections[0]!.token).toBe('tok-1');
    expect(room.connections[0]!.frames).toEqual([
      { v: 1, type: 'subscribe', facilityIds: ['fac_1'], deviceIds: ['dev_9'] },
    ]);
    expect(log.catchUps).toEqual(['connected']);
    await client!.ready();
  });

  it('hands events on and acknowledges the highest seq handled', async () => {
    const log = await setup();
    await until(() => log.catchUps.length === 1);
    const socket = room.connections[0]!.socket;
    for (let seq = 1; seq <= 5; seq++) socket.send(reading(seq, seq));
    await until(() => log.events.length === 5);
    expect(log.events).toEqual([1, 2, 3, 4, 5]);
    await until(() => room.connections[0]!.frames.some((f) => f.type === 'ack' && f.seq === 5));
    const acks = room.connections[0]!.frames.filter((f) => f.type === 'ack');
    // Batched: fewer acks than frames, never acknowledging a frame twice.
    expect(acks.length).toBeLessThan(5);
    expect(new Set(acks.map((a) => a.seq)).size).toBe(acks.length);
  });

  it('ignores malformed frames and stops (outdated) on a later protocol version', async () => {
    const log = await setup();
    await until(() => log.catchUps.length === 1);
    const socket = room.connections[0]!.socket;
    socket.send('{"v":1,"seq":1,"type":"readings","deviceId":""}');
    socket.send('garbage');
    socket.send(reading(2, 4));
    await until(() => log.events.length === 1);
    expect(log.invalid).toEqual(['shape:latest', 'json:']);
    socket.send(JSON.stringify({ v: 2, type: 'hello' }));
    await until(() => client!.state.status === 'offline');
    expect(client!.state).toEqual({ status: 'offline', reason: 'outdated' });
  });

  it('reconnects after a drop with a new ticket, resubscribes and catches up again', async () => {
    const log = await setup();
    client!.subscribe({ facilityIds: 'all', deviceIds: [] });
    await until(() => log.catchUps.length === 1);
    room.connections[0]!.socket.terminate();
    await until(() => log.catchUps.length === 2);
    expect(room.connections).toHaveLength(2);
    expect(room.connections[1]!.token).toBe('tok-2');
    expect(room.connections[1]!.frames[0]).toMatchObject({ type: 'subscribe', facilityIds: 'all' });
    expect(log.states.map((s) => s.status)).toEqual(['live', 'reconnecting', 'live']);
  });

  it('gives up after its retry budget, fetches nothing more, and starts over on retry()', async () => {
    const log = await setup({ maxRetries: 3 });
    await until(() => log.catchUps.length === 1);
    room.refuse = true;
    room.connections[0]!.socket.terminate();
    await until(() => client!.state.status === 'offline');
    expect(client!.state).toEqual({ status: 'offline', reason: 'gave_up' });
    // The first connection's ticket, then the attempt after the drop and three retries.
    expect(log.tickets).toBe(1 + 1 + 3);
    await new Promise((r) => setTimeout(r, 200));
    expect(log.tickets).toBe(5);

    room.refuse = false;
    client!.retry();
    await until(() => log.catchUps.length === 2);
    expect(client!.state).toEqual({ status: 'live' });
    expect(room.connections.at(-1)!.token).toBe('tok-6');
  });

  it('stops without connecting when the session is gone', async () => {
    room = await startRoom();
    const states: LiveState[] = [];
    client = new LiveClient({
      WebSocket: (await import('ws')).WebSocket,
      fetchTicket: async () => 'signed_out',
      onState: (s) => states.push(s),
      onEvent: () => {},
      onCatchUp: () => {},
      minDelayMs: 10,
    });
    await until(() => states.length > 0);
    expect(states).toEqual([{ status: 'offline', reason: 'signed_out' }]);
    expect(room.connections).toHaveLength(0);
  });

  it('keeps trying when the ticket cannot be fetched, within the budget', async () => {
    room = await startRoom();
    let calls = 0;
    client = new LiveClient({
      WebSocket: (await import('ws')).WebSocket,
      fetchTicket: async () => {
        calls++;
        throw new Error('503');
      },
      onState: () => {},
      onEvent: () => {},
      onCatchUp: () => {},
      minDelayMs: 5,
      maxDelayMs: 10,
      maxRetries: 2,
    });
    await until(() => client!.state.status === 'offline');
    expect(client!.state.reason).toBe('gave_up');
    expect(calls).toBe(3);
  });

  it('sends a fresh token before the old one expires, without another catch-up', async () => {
    const log = await setup({ refreshLeadMs: 1_000 }, 1_300);
    await until(() => log.catchUps.length === 1);
    await until(() => room.connections[0]!.frames.some((f) => f.type === 'refresh'));
    const refresh = room.connections[0]!.frames.find((f) => f.type === 'refresh');
    expect(refresh).toEqual({ v: 1, type: 'refresh', token: 'tok-2' });
    await new Promise((r) => setTimeout(r, 100));
    expect(log.catchUps).toEqual(['connected']);
    expect(room.connections).toHaveLength(1);
  });

  it('a new subscription replaces the old one on the open connection and is awaited by ready()', async () => {
    const log = await setup();
    await until(() => log.catchUps.length === 1);
    client!.subscribe({ facilityIds: [], deviceIds: ['dev_2'] });
    await client!.ready();
    expect(room.connections[0]!.frames.at(-1)).toEqual({
      v: 1,
      type: 'subscribe',
      facilityIds: [],
      deviceIds: ['dev_2'],
    });
    // The same scope again sends nothing.
    const count = room.connections[0]!.frames.length;
    client!.subscribe({ facilityIds: [], deviceIds: ['dev_2'] });
    expect(room.connections[0]!.frames.length).toBe(count);
    expect(log.catchUps).toEqual(['connected']);
  });
});
