import {
  type CommandProgress,
  type CommandResult,
  connectTokenMessage,
  type DeliveredCommand,
  type DeviceServerFrame,
  signDeviceRequest,
} from '@anythingiot/core';
import type { CommandReporter } from './commands.js';
import { type Reading, toBufferedReading } from './store.js';

/** The browser/Workers/Deno WebSocket API (Node 20: pass the `ws` package's class). */
export type WebSocketLike = {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
};
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export type DeviceChannelOptions = {
  /** The api's base url, e.g. `https://api.example.com` (http(s) or ws(s)). */
  url: string;
  deviceId: string;
  secret: string;
  /** Commands pushed by the room. Acknowledge and report through `channel.reporter`. */
  onCommand?: (command: DeliveredCommand) => void;
  /** Connection changes: `open`, `closed` (will reconnect), `stopped` (will not: see code). */
  onStatus?: (status: 'open' | 'closed' | 'stopped', code?: number) => void;
  WebSocket?: WebSocketConstructor;
  now?: () => number;
  random?: () => number;
  /** Reconnect backoff (full jitter). */
  reconnect?: { baseMs?: number; maxMs?: number };
  /** How long a request frame waits for its answer. Default 15 s. */
  timeoutMs?: number;
};

/** What a telemetry frame came to (as HTTP ingest answers). */
export type TelemetryAck = Extract<DeviceServerFrame, { type: 'telemetry_ack' }>['payload'];

/** An error frame the room answered a request with. */
export class ChannelError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly errors: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

export type DeviceChannel = {
  /** Resolves once connected (again). */
  ready(): Promise<void>;
  /** Readings over the room: resolves once the server committed them. */
  telemetry(readings: Reading | Reading[]): Promise<TelemetryAck>;
  /** Acknowledgements, results and progress over the room (for `createCommandRunner`). */
  reporter: CommandReporter;
  heartbeat(): Promise<void>;
  close(): void;
};

/** Close codes after which reconnecting cannot help (credentials). */
const FATAL = new Set([4401]);

/**
 * A device's room connection (`/parties/device/<id>`): signs a fresh connect token for every
 * (re)connection, reconnects with backoff (longer after 4429), answers nothing itself — pushed
 * commands go to `onCommand`, and request frames (telemetry, reports) resolve with the room's
 * answer to their `id`.
 */
export function connectDeviceChannel(options: DeviceChannelOptions): DeviceChannel {
  const Found = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!Found) throw new Error('No WebSocket here: pass options.WebSocket (e.g. the ws package).');
  const Ctor: WebSocketConstructor = Found;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const baseMs = options.reconnect?.baseMs ?? 1_000;
  const maxMs = options.reconnect?.maxMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 15_000;

  let socket: WebSocketLike | undefined;
  let stopped = false;
  let attempt = 0;
  let counter = 0;
  let opened: { promise: Promise<void>; resolve: () => void };
  const pending = new Map<
    string,
    { resolve: (f: DeviceServerFrame) => void; reject: (e: Error) => void; timer: unknown }
  >();

  const newOpened = () => {
    let resolve = () => {};
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    opened = { promise, resolve };
  };
  newOpened();

  async function open() {
    if (stopped) return;
    const ts = String(Math.round(now()));
    const sig = await signDeviceRequest(options.secret, connectTokenMessage(options.deviceId), ts);
    const url = new URL(`/parties/device/${encodeURIComponent(options.deviceId)}`, options.url);
    url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
    url.searchParams.set('ts', ts);
    url.searchParams.set('sig', sig);
    const ws = new Ctor(url.toString());
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      options.onStatus?.('open');
      opened.resolve();
    };
    ws.onmessage = (ev) => receive(String(ev.data));
    ws.onerror = () => {};
    ws.onclose = (ev) => {
      if (socket === ws) socket = undefined;
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(new ChannelError('disconnected', 'The connection closed before the answer.'));
      }
      if (stopped) return;
      if (FATAL.has(ev.code)) {
        stopped = true;
        options.onStatus?.('stopped', ev.code);
        return;
      }
      options.onStatus?.('closed', ev.code);
      newOpened();
      // Full jitter; a room that closed us for flooding gets the longest pause.
      const cap = ev.code === 4429 ? maxMs : Math.min(maxMs, baseMs * 2 ** attempt++);
      setTimeout(() => void open(), Math.floor(random() * cap));
    };
  }

  function receive(text: string) {
    let frame: DeviceServerFrame;
    try {
      frame = JSON.parse(text) as DeviceServerFrame;
    } catch {
      return;
    }
    if (frame.type === 'command') {
      options.onCommand?.(frame.payload);
      return;
    }
    const id = 'id' in frame ? frame.id : undefined;
    const waiting = id ? pending.get(id) : undefined;
    if (!id || !waiting) return;
    pending.delete(id);
    clearTimeout(waiting.timer as ReturnType<typeof setTimeout>);
    waiting.resolve(frame);
  }

  async function request(frame: Record<string, unknown>): Promise<DeviceServerFrame> {
    await opened.promise;
    const ws = socket;
    if (!ws) throw new ChannelError('disconnected', 'Not connected.');
    const id = `r${++counter}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new ChannelError('timeout', 'No answer in time.'));
      }, timeoutMs);
      pending.set(id, {
        resolve: (answer) => {
          if (answer.type === 'error') {
            reject(
              new ChannelError(answer.payload.code, answer.payload.message, answer.payload.errors),
            );
          } else resolve(answer);
        },
        reject,
        timer,
      });
      ws.send(JSON.stringify({ ...frame, id }));
    });
  }

  const outcome = async (frame: Record<string, unknown>) => {
    try {
      await request(frame);
      return 'ok' as const;
    } catch (err) {
      if (
        err instanceof ChannelError &&
        !['disconnected', 'timeout', 'internal'].includes(err.code)
      ) {
        return 'refused' as const;
      }
      return 'failed' as const;
    }
  };

  void open();

  return {
    ready: () => opened.promise,
    async telemetry(readings) {
      const list = (Array.isArray(readings) ? readings : [readings]).map(toBufferedReading);
      const answer = await request({ type: 'telemetry', payload: { readings: list } });
      if (answer.type !== 'telemetry_ack') throw new ChannelError('unexpected', answer.type);
      return answer.payload;
    },
    reporter: {
      acknowledge: (commandId) => outcome({ type: 'command_ack', payload: { commandId } }),
      result: (result: CommandResult) => outcome({ type: 'command_result', payload: result }),
      progress: (progress: CommandProgress) =>
        outcome({ type: 'update_progress', payload: progress }),
    },
    async heartbeat() {
      await request({ type: 'heartbeat' });
    },
    close() {
      stopped = true;
      // With a code: the room echoes it, and the closing handshake completes at once.
      socket?.close(1000, 'bye');
    },
  };
}
