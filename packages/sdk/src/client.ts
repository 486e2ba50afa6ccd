import {
  type CommandProgress,
  type CommandResult,
  type DeliveredCommand,
  signDeviceRequest,
} from '@anythingiot/core';
import {
  type BufferedReading,
  memoryStore,
  type Reading,
  type ReadingStore,
  toBufferedReading,
} from './store.js';

/** Options for `createDeviceClient`. Clock, sleep, random and fetch are injectable for tests. */
export type DeviceClientOptions = {
  /** Full ingest url, e.g. `https://api.example.com/v1/ingest`. */
  url: string;
  /** Where acknowledgements and results go; default `/v1/devices/commands/ack` on `url`'s origin. */
  commandsUrl?: string;
  deviceId: string;
  secret: string;
  store?: ReadingStore;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  maxBatch?: number;
  /** Per-request timeout; a hung connection would otherwise stall every later flush. */
  timeoutMs?: number;
  retry?: { attempts?: number; baseMs?: number; maxMs?: number };
};

/** A reading the server refused individually; retrying cannot fix it, so it left the buffer. */
export type RejectedReading = {
  reading: BufferedReading;
  code: string;
  detail: string | undefined;
};

/** A batch the server refused as a whole with 413/422; it can never succeed, so it was dropped. */
export type DroppedBatch = {
  readings: BufferedReading[];
  status: number;
  code: string | undefined;
  detail: string | undefined;
};

/** Why a flush ended with readings still buffered. */
export type FlushStop =
  | { reason: 'unauthorized'; status: 401; code: string | undefined }
  | { reason: 'client_error'; status: number; code: string | undefined }
  | { reason: 'retries_exhausted'; status: number | undefined; error: string | undefined };

/** Outcome of one flush: what the server took, what was dropped, what is still buffered. */
export type FlushResult = {
  accepted: number;
  duplicates: number;
  rejected: RejectedReading[];
  dropped: DroppedBatch[];
  /** Commands the server handed over with its answers (at least once: dedupe by `id`). */
  commands: DeliveredCommand[];
  pending: number;
  stopped: FlushStop | undefined;
};

/** `send` buffers then flushes, so its outcome is the flush's. */
export type SendResult = FlushResult;

/** What a device reports about its commands; any part may be empty (all empty polls). */
export type CommandReport = {
  acks?: string[];
  results?: CommandResult[];
  progress?: CommandProgress[];
};

/** What the server made of each report item, in order: acks, then results, then progress. */
export type CommandReportOutcome =
  | { commandId: string; ok: true; status: string }
  | { commandId: string; ok: false; code: string; reason: string; message: string };

/** The answer to `report`: per-item outcomes and the commands now due, or why it failed. */
export type ReportResult =
  | { ok: true; results: CommandReportOutcome[]; commands: DeliveredCommand[] }
  | { ok: false; status: number | undefined; code: string | undefined; error?: string };

/** The device client returned by `createDeviceClient`. */
export type DeviceClient = {
  send(readings: Reading | Reading[]): Promise<SendResult>;
  flush(): Promise<FlushResult>;
  pending(): Promise<number>;
  clockSkewMs(): number | undefined;
  /**
   * Acknowledges commands and reports results or progress (`POST /v1/devices/commands/ack`,
   * signed like ingest, retried on network errors, 5xx and 429). The answer also carries what
   * is due now, so `report({})` polls.
   */
  report(report: CommandReport): Promise<ReportResult>;
};

/** Below this, the device clock is trusted: correcting tiny skews would only add noise. */
const SKEW_THRESHOLD_MS = 2_000;

type Attempt =
  | { kind: 'ok'; body: unknown; date: string | null }
  | { kind: 'http'; status: number; body: unknown; retryAfter: string | null; date: string | null }
  | { kind: 'network'; error: string };

/** Creates a device client that signs, buffers, batches and retries readings to `/v1/ingest`. */
export function createDeviceClient(options: DeviceClientOptions): DeviceClient {
  const store = options.store ?? memoryStore();
  // Wrapped so browsers do not throw "Illegal invocation" for an unbound window.fetch.
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const maxBatch = positiveInt(options.maxBatch ?? 100, 'maxBatch');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const attempts = positiveInt(options.retry?.attempts ?? 5, 'retry.attempts');
  const baseMs = options.retry?.baseMs ?? 500;
  const maxMs = options.retry?.maxMs ?? 30_000;
  const encoder = new TextEncoder();

  let skewMs: number | undefined;
  // Flushes run one at a time: two concurrent flushes would post the same head batch and then
  // both remove it, deleting readings nobody acknowledged.
  let queue: Promise<unknown> = Promise.resolve();

  function deviceTime(): number {
    const local = now();
    return skewMs !== undefined && Math.abs(skewMs) > SKEW_THRESHOLD_MS ? local + skewMs : local;
  }

  const commandsUrl =
    options.commandsUrl ?? new URL('/v1/devices/commands/ack', options.url).toString();

  async function post(
    bytes: Uint8Array<ArrayBuffer>,
    url = options.url,
  ): Promise<Attempt & { sentAt: number }> {
    // Signed per attempt: the server refuses a timestamp outside its window or seen before.
    const timestamp = String(Math.round(deviceTime()));
    const signature = await signDeviceRequest(options.secret, bytes, timestamp);
    const sentAt = now();
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Device-Id': options.deviceId,
          'X-Timestamp': timestamp,
          'X-Signature': signature,
        },
        body: bytes,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = await readJson(res);
      const date = res.headers.get('Date');
      if (res.status === 200) return { kind: 'ok', body, date, sentAt };
      const retryAfter = res.headers.get('Retry-After');
      return { kind: 'http', status: res.status, body, retryAfter, date, sentAt };
    } catch (err) {
      return { kind: 'network', error: err instanceof Error ? err.message : String(err), sentAt };
    }
  }

  /** Records skew against the midpoint of the round trip, which halves the latency error. */
  function learnSkew(serverTime: number | undefined, sentAt: number): boolean {
    if (serverTime === undefined) return false;
    skewMs = Math.round(serverTime - (sentAt + now()) / 2);
    return true;
  }

  function backoff(attempt: number, retryAfter: string | null): number {
    const hinted = parseRetryAfter(retryAfter, now());
    if (hinted !== undefined) return Math.min(maxMs, hinted);
    // Full jitter: spreads a fleet that lost the network together so it does not return together.
    return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1)));
  }

  async function flushOnce(): Promise<FlushResult> {
    const result: FlushResult = {
      accepted: 0,
      duplicates: 0,
      rejected: [],
      dropped: [],
      commands: [],
      pending: 0,
      stopped: undefined,
    };
    // Shrinks on 413 so an oversized batch is split rather than dropped with good data in it.
    let batchSize = maxBatch;

    batches: while (true) {
      const batch = await store.peek(batchSize);
      if (batch.length === 0) break;
      const bytes = encoder.encode(JSON.stringify({ readings: batch }));
      let staleRetried = false;

      for (let attempt = 1; ; attempt++) {
        const answer = await post(bytes);

        if (answer.kind === 'ok') {
          const body = asRecord(answer.body);
          learnSkew(parseTime(body?.serverTime), answer.sentAt);
          // The 200 is the acknowledgement; only now may the batch leave the buffer.
          await store.remove(batch.length);
          result.accepted += numberOr(body?.accepted, batch.length);
          result.duplicates += numberOr(body?.duplicates, 0);
          result.rejected.push(...rejectedReadings(body?.rejected, batch));
          result.commands.push(...deliveredCommands(body?.commands));
          // Grow back after a 413 split so one oversized reading does not slow the whole backlog.
          batchSize = Math.min(maxBatch, batchSize * 2);
          continue batches;
        }

        if (answer.kind === 'http') {
          const problem = asRecord(answer.body);
          const code = typeof problem?.code === 'string' ? problem.code : undefined;
          const detail = typeof problem?.detail === 'string' ? problem.detail : undefined;

          if (answer.status === 413 && batch.length > 1) {
            batchSize = Math.ceil(batch.length / 2);
            continue batches;
          }
          if (answer.status === 413 || answer.status === 422) {
            // The server judged these bytes invalid; resending them can never succeed and would
            // block every newer reading behind them.
            await store.remove(batch.length);
            result.dropped.push({ readings: batch, status: answer.status, code, detail });
            continue batches;
          }
          if (answer.status === 401) {
            // A device clock far off never gets a 200 to learn skew from, so learn it here once.
            if (code === 'stale_timestamp' && !staleRetried) {
              const serverTime = parseTime(problem?.serverTime) ?? parseTime(answer.date);
              if (learnSkew(serverTime, answer.sentAt)) {
                staleRetried = true;
                continue;
              }
            }
            // Credentials problem (revoked, rotated, unknown): looping would only hammer the api.
            result.stopped = { reason: 'unauthorized', status: 401, code };
            break batches;
          }
          if (answer.status !== 429 && answer.status < 500) {
            // 400 and anything unexpected are configuration bugs, not data bugs: keep the data.
            result.stopped = { reason: 'client_error', status: answer.status, code };
            break batches;
          }
        }

        if (attempt >= attempts) {
          result.stopped =
            answer.kind === 'network'
              ? { reason: 'retries_exhausted', status: undefined, error: answer.error }
              : { reason: 'retries_exhausted', status: answer.status, error: undefined };
          break batches;
        }
        await sleep(backoff(attempt, answer.kind === 'http' ? answer.retryAfter : null));
      }
    }

    result.pending = await store.size();
    return result;
  }

  function flush(): Promise<FlushResult> {
    const run = queue.then(flushOnce);
    queue = run.catch(() => undefined);
    return run;
  }

  async function report(input: CommandReport): Promise<ReportResult> {
    const bytes = encoder.encode(
      JSON.stringify({
        acks: input.acks ?? [],
        results: input.results ?? [],
        progress: input.progress ?? [],
      }),
    );
    for (let attempt = 1; ; attempt++) {
      const answer = await post(bytes, commandsUrl);
      if (answer.kind === 'ok') {
        const body = asRecord(answer.body);
        return {
          ok: true,
          results: Array.isArray(body?.results) ? (body.results as CommandReportOutcome[]) : [],
          commands: deliveredCommands(body?.commands),
        };
      }
      const retryable = answer.kind === 'network' || answer.status === 429 || answer.status >= 500;
      if (!retryable || attempt >= attempts) {
        const problem = answer.kind === 'http' ? asRecord(answer.body) : undefined;
        return {
          ok: false,
          status: answer.kind === 'http' ? answer.status : undefined,
          code: typeof problem?.code === 'string' ? problem.code : undefined,
          ...(answer.kind === 'network' ? { error: answer.error } : {}),
        };
      }
      await sleep(backoff(attempt, answer.kind === 'http' ? answer.retryAfter : null));
    }
  }

  return {
    report,
    async send(readings) {
      const list = (Array.isArray(readings) ? readings : [readings]).map(toBufferedReading);
      // Durable before network: once append resolves, a crash or outage cannot lose these.
      if (list.length > 0) await store.append(list);
      return flush();
    },
    flush,
    pending: () => store.size(),
    clockSkewMs: () => skewMs,
  };
}

function positiveInt(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer`);
  }
  return value;
}

async function readJson(res: Response): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)
    : undefined;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** Accepts unix ms, an ISO string or an HTTP date. */
function parseTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `Retry-After` is delta-seconds or an HTTP date; returns milliseconds to wait. */
function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** The well-formed commands of an answer (anything else is ignored, never thrown on). */
export function deliveredCommands(value: unknown): DeliveredCommand[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const c = asRecord(item);
    const payload = asRecord(c?.payload);
    return c && typeof c.id === 'string' && typeof c.type === 'string' && payload
      ? [{ id: c.id, type: c.type, payload, expiresAt: String(c.expiresAt ?? '') }]
      : [];
  });
}

function rejectedReadings(value: unknown, batch: BufferedReading[]): RejectedReading[] {
  if (!Array.isArray(value)) return [];
  const out: RejectedReading[] = [];
  for (const item of value) {
    const entry = asRecord(item);
    const index = entry?.index;
    if (typeof index !== 'number') continue;
    const reading = batch[index];
    if (!reading) continue;
    out.push({
      reading,
      code: typeof entry?.code === 'string' ? entry.code : 'rejected',
      detail: typeof entry?.detail === 'string' ? entry.detail : undefined,
    });
  }
  return out;
}
