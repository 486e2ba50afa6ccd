import { createDeviceClient, type FlushResult } from '../client.js';
import { type CommandHandler, createCommandRunner, httpReporter } from '../commands.js';
import { memoryStore, type ReadingStore, toBufferedReading } from '../store.js';
import { createDeviceModel, type DeviceKind } from './model.js';
import { EMPTY_SCENARIO, isOffline, type Scenario } from './scenario.js';

/** A simulated device: the credentials the api issued and the kind of cold store it sits in. */
export type SimDevice = { deviceId: string; secret: string; kind: DeviceKind };

/**
 * Where a device keeps what must survive a restart: its reading buffer and its next sequence
 * number (a real logger's counter does not reset when it reboots).
 */
export type DeviceState = {
  store: ReadingStore;
  loadNextSeq(): Promise<number | undefined>;
  saveNextSeq(next: number): Promise<void>;
};

/** Running totals, reported periodically and returned at the end. */
export type SimSummary = {
  /** Event time of the newest reading generated (unix ms), or undefined before the first. */
  simTime: number | undefined;
  devices: number;
  /** Devices inside a scripted dropout right now. */
  offline: number;
  /**
   * Devices whose last flush ran out of retries outside a scripted dropout: the api is down or
   * failing (5xx, 429). Their readings stay buffered and go with the next flush.
   */
  retrying: number;
  /** What the last failed flush saw (`HTTP 503`, a network error), while any device retries. */
  lastError: string | undefined;
  /** Devices that gave up because the api refused them (401/400): they need new credentials. */
  stopped: number;
  generated: number;
  /** Readings the api acknowledged with a 200 (counted from the buffer, not the api's figures). */
  sent: number;
  /** `sent` minus the readings the api rejected individually. */
  accepted: number;
  /** Readings in device buffers, not yet acknowledged. */
  buffered: number;
  /** Readings the api rejected or the client dropped, plus devices stopped by the api. */
  errors: number;
};

/** Things worth a log line: a device stopping for good, a dropout starting or ending, a command. */
export type SimEvent =
  | { type: 'offline' | 'online'; deviceId: string; at: number }
  | { type: 'stopped'; deviceId: string; at: number; reason: string }
  | { type: 'command'; deviceId: string; at: number; command: string; detail: string };

/** The longest report interval a command may set (a day, as the api allows for a device). */
const MAX_INTERVAL_MS = 86_400_000;

/**
 * What simulated devices do when told to: `ping` answers at once; `set_report_interval`
 * ({seconds}) changes how often the device reads and posts. Anything else fails as unsupported,
 * so a dashboard shows all three ends of the lifecycle.
 */
function simHandlers(device: { setInterval(ms: number): void }) {
  const handlers: Record<string, CommandHandler> = {
    ping: () => ({ pong: true, at: new Date().toISOString() }),
    set_report_interval: (payload) => {
      const seconds = payload.seconds;
      if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
        throw new Error('payload.seconds must be a number of seconds');
      }
      const ms = Math.round(seconds * 1_000);
      if (ms < 1_000 || ms > MAX_INTERVAL_MS) throw new Error('seconds must be 1 to 86400');
      device.setInterval(ms);
      return { reportIntervalSeconds: ms / 1_000 };
    },
  };
  return handlers;
}

export type SimOptions = {
  /** Full ingest url, e.g. `http://127.0.0.1:8787/v1/ingest`. */
  url: string;
  devices: SimDevice[];
  seed?: number;
  /** Simulated time between two readings of one device. Default 60 s. */
  intervalMs?: number;
  /** Readings per post: a device posts after every `batchSize` readings. Default 1. */
  batchSize?: number;
  /**
   * Simulated seconds per real second; `Infinity` runs as fast as the api answers. Simulated
   * time never overtakes the wall clock (the api refuses readings from the future), so a speed
   * above 1 only matters for a `start` in the past: it replays history, then continues live.
   */
  speed?: number;
  /** Event time of every device's first reading (unix ms). Default: the next interval boundary. */
  start?: number;
  /** Stop after this much simulated time. Default: run until `signal` aborts. */
  durationMs?: number;
  scenario?: Scenario;
  /** Default: a memory store per device and sequence numbers from 0. */
  stateFor?: (deviceId: string) => DeviceState | Promise<DeviceState>;
  fetch?: typeof fetch;
  /** Aborting stops every device; buffered readings stay in their stores for the next run. */
  signal?: AbortSignal;
  retry?: { attempts?: number; baseMs?: number; maxMs?: number };
  onSummary?: (summary: SimSummary) => void;
  /** Real milliseconds between `onSummary` calls. Default 10 s. */
  summaryEveryMs?: number;
  onEvent?: (event: SimEvent) => void;
};

/** The first interval boundary at or after `time`, so restarts keep readings on one grid. */
export function alignToInterval(time: number, intervalMs: number): number {
  return Math.ceil(time / intervalMs) * intervalMs;
}

/** A device state that lives as long as the process: fine for tests and throwaway runs. */
export function memoryDeviceState(): DeviceState {
  let next: number | undefined;
  return {
    store: memoryStore(),
    loadNextSeq: async () => next,
    saveNextSeq: async (n) => {
      next = n;
    },
  };
}

/**
 * Runs simulated devices against the ingest api through the real device client: each device
 * generates a reading per interval from its model, buffers it durably, and posts every
 * `batchSize` readings. A scripted dropout makes the device's network fail, so the client keeps
 * the readings and backfills them in order once the dropout ends. Resolves with the final
 * totals when `durationMs` has been simulated or `signal` aborts.
 */
export async function runSimulation(options: SimOptions): Promise<SimSummary> {
  const intervalMs = options.intervalMs ?? 60_000;
  const batchSize = options.batchSize ?? 1;
  const speed = options.speed ?? 1;
  if (!(intervalMs > 0)) throw new RangeError('intervalMs must be positive');
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 1_000) {
    throw new RangeError('batchSize must be an integer from 1 to 1000 (the api limit per post)');
  }
  if (!(speed > 0)) throw new RangeError('speed must be positive');
  const start = options.start ?? alignToInterval(Date.now(), intervalMs);
  const end = start + (options.durationMs ?? Number.POSITIVE_INFINITY);
  const scenario = options.scenario ?? EMPTY_SCENARIO;
  const signal = options.signal;
  const stateFor = options.stateFor ?? (() => memoryDeviceState());
  const baseFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const wallStart = Date.now();

  const summary: SimSummary = {
    simTime: undefined,
    devices: options.devices.length,
    offline: 0,
    retrying: 0,
    lastError: undefined,
    stopped: 0,
    generated: 0,
    sent: 0,
    accepted: 0,
    buffered: 0,
    errors: 0,
  };
  const pendingBy = new Map<string, number>();
  const offlineBy = new Set<string>();
  const retryingBy = new Set<string>();
  const refresh = () => {
    summary.buffered = [...pendingBy.values()].reduce((a, b) => a + b, 0);
    summary.offline = offlineBy.size;
    summary.retrying = retryingBy.size;
    if (retryingBy.size === 0) summary.lastError = undefined;
  };

  /** When (wall clock) event time `t` is due: scaled by speed, but never before `t` itself. */
  const dueAt = (t: number) =>
    Number.isFinite(speed) ? Math.max(t, wallStart + (t - start) / speed) : t;

  async function runDevice(device: SimDevice) {
    const { deviceId } = device;
    const state = await stateFor(deviceId);
    const model = createDeviceModel({
      deviceId,
      kind: device.kind,
      seed: options.seed ?? 1,
      start,
      intervalMs,
      scenario,
      firstSeq: (await state.loadNextSeq()) ?? 0,
    });
    let current = start;
    let interval = intervalMs;
    let previous = start;
    const client = createDeviceClient({
      url: options.url,
      deviceId,
      secret: device.secret,
      store: state.store,
      maxBatch: Math.min(1_000, Math.max(100, batchSize)),
      retry: { attempts: 3, ...options.retry },
      // Backoff runs on simulated time too, or a dropout at high speed would stall the run.
      sleep: (ms) => wait(Number.isFinite(speed) ? ms / speed : 0, signal),
      fetch: async (input, init) => {
        if (signal?.aborted) throw new TypeError('simulation stopped');
        // The network is down, not the api: the client sees exactly what a dead modem gives it.
        if (isOffline(scenario, deviceId, current - start)) {
          throw new TypeError('simulated dropout: no network');
        }
        const signals = [init?.signal, signal].filter((s): s is AbortSignal => !!s);
        return baseFetch(input, { ...init, signal: AbortSignal.any(signals) });
      },
    });
    pendingBy.set(deviceId, await state.store.size());
    // Commands come with the ingest answers; the device acknowledges, runs and reports them.
    const runner = createCommandRunner({
      reporter: httpReporter(client),
      handlers: simHandlers({
        setInterval: (ms) => {
          interval = ms;
        },
      }),
      onError: (err, command) =>
        options.onEvent?.({
          type: 'command',
          deviceId,
          at: current,
          command: command.type,
          detail: `not reported: ${String(err)}`,
        }),
    });
    const runCommands = async (result: FlushResult) => {
      if (result.commands.length === 0) return;
      await runner.handle(result.commands);
      for (const c of result.commands) {
        options.onEvent?.({
          type: 'command',
          deviceId,
          at: current,
          command: c.type,
          detail: JSON.stringify(c.payload),
        });
      }
    };

    const account = (result: FlushResult, offline: boolean) => {
      // The api's own `accepted` counts stored values (one per metric), so readings are counted
      // by what left the buffer: acknowledged, or dropped as unacceptable.
      const dropped = result.dropped.reduce((n, d) => n + d.readings.length, 0);
      const acknowledged = (pendingBy.get(deviceId) ?? 0) - result.pending - dropped;
      summary.sent += acknowledged;
      summary.accepted += acknowledged - result.rejected.length;
      summary.errors += result.rejected.length + dropped;
      pendingBy.set(deviceId, result.pending);
      const stop = result.stopped;
      // Failing during a scripted dropout is the point of the dropout, not news.
      if (stop?.reason === 'retries_exhausted' && !offline) {
        retryingBy.add(deviceId);
        summary.lastError = stop.status ? `HTTP ${stop.status}` : stop.error;
      } else if (offline || acknowledged > 0 || result.pending === 0) {
        // Only progress clears the state: a flush that returned without trying (the client is
        // still backing off) says nothing new about the api.
        retryingBy.delete(deviceId);
      }
    };

    let unflushed = 0;
    for (let t = start; t < end; t += interval) {
      await wait(dueAt(t) - Date.now(), signal);
      if (signal?.aborted) return;
      current = t;
      const offline = isOffline(scenario, deviceId, t - start);
      if (offline !== offlineBy.has(deviceId)) {
        if (offline) offlineBy.add(deviceId);
        else offlineBy.delete(deviceId);
        options.onEvent?.({ type: offline ? 'offline' : 'online', deviceId, at: t });
      }

      const reading = model.next(t === start ? undefined : t - previous);
      previous = t;
      // Reserve the number before using it: a crash in between leaves a gap, never a reuse.
      await state.saveNextSeq(reading.seq + 1);
      await state.store.append([toBufferedReading(reading)]);
      summary.generated++;
      summary.simTime = Math.max(summary.simTime ?? t, t);
      pendingBy.set(deviceId, (pendingBy.get(deviceId) ?? 0) + 1);
      if (++unflushed < batchSize) continue;
      unflushed = 0;

      const result = await client.flush();
      account(result, offline);
      await runCommands(result);
      const stop = result.stopped;
      if (stop && stop.reason !== 'retries_exhausted') {
        // The api refused the credentials or the request shape: retrying cannot help.
        summary.stopped++;
        summary.errors++;
        options.onEvent?.({
          type: 'stopped',
          deviceId,
          at: t,
          reason: `${stop.status}${stop.code ? ` ${stop.code}` : ''}`,
        });
        return;
      }
    }
    // The run's end is not a dropout: send the last partial batch (and any backlog) now.
    if (!signal?.aborted && !isOffline(scenario, deviceId, current - start)) {
      const last = await client.flush();
      account(last, false);
      await runCommands(last);
    }
  }

  const ticker = options.onSummary
    ? setInterval(() => {
        refresh();
        options.onSummary?.({ ...summary });
      }, options.summaryEveryMs ?? 10_000)
    : undefined;
  try {
    await Promise.all(options.devices.map(runDevice));
  } finally {
    if (ticker) clearInterval(ticker);
  }
  refresh();
  return { ...summary };
}

/** Sleeps `ms` (≤ 0: yields only), resolving early when the signal aborts. */
function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    signal?.addEventListener('abort', done, { once: true });
  });
}
