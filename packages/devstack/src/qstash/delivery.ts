import { randomInt } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { type AttemptResult, callbackMessage } from './callbacks.js';
import { newId } from './ids.js';
import { signDelivery } from './jwt.js';
import { canonicalHeaderName } from './publish-request.js';
import { compileRetryDelay, requestedRetryDelay } from './retry.js';
import { fireDueSchedules } from './schedules.js';
import type { AttemptOutcome, QStashStore } from './store.js';
import type { ClaimedMessage, HeaderMap, NewMessage } from './types.js';

/** Longest the loop sleeps: bounds how late it notices an injected clock jump or another emulator's work. */
const POLL_MS = 1_000;
/** QStash's free-plan limit on how long a destination may take to answer. */
export const DEFAULT_TIMEOUT_MS = 15 * 60_000;
/** A claim outlives the attempt's timeout by this much before another emulator may take over. */
const LEASE_MARGIN_MS = 60_000;
/** Response bodies kept for callbacks and the DLQ. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export type DeliveryDeps = {
  store: QStashStore;
  currentSigningKey: string;
  now: () => number;
  /** Milliseconds to wait before retry number `attempt` (1 for the first retry). */
  retryBackoff: (attempt: number) => number;
  concurrency: number;
  log: (line: string) => void;
};

type SendResult = AttemptResult | { kind: 'shutdown' };

/**
 * Delivers due messages: claims them from the store, POSTs (or `Upstash-Method`s) them signed to
 * their destination, and records the outcome — delivered, retry with backoff, or DLQ — together
 * with any callback messages. One timer (unref'd) wakes it when the next thing is due.
 */
export class DeliveryLoop {
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Number.POSITIVE_INFINITY;
  private tickChain: Promise<void> = Promise.resolve();
  private tickQueued = false;
  private stopped = false;
  private readonly inFlight = new Map<string, { done: Promise<void>; abort: AbortController }>();
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true });

  constructor(private readonly deps: DeliveryDeps) {}

  start(): void {
    void this.requestTick();
  }

  /** A message due at `dueAt` was stored: wake up now, or earlier than planned. */
  poke(dueAt: number): void {
    if (this.stopped) return;
    const wait = dueAt - this.deps.now();
    if (wait <= 0) void this.requestTick();
    else this.arm(wait);
  }

  /** Delivers everything due now, including retries that fall due meanwhile; returns when nothing is. */
  async drain(): Promise<void> {
    while (!this.stopped) {
      await this.requestTick();
      if (this.inFlight.size > 0) {
        await Promise.allSettled([...this.inFlight.values()].map((f) => f.done));
        continue;
      }
      if (!(await this.deps.store.hasWorkDue(this.deps.now(), []))) return;
    }
  }

  /** Stops waking up, aborts attempts in flight and hands their claims back for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.tickChain;
    for (const flight of this.inFlight.values()) flight.abort.abort();
    await Promise.allSettled([...this.inFlight.values()].map((f) => f.done));
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  // Ticks never overlap: a request while one is queued joins it; while one runs, queues the next.
  private requestTick(): Promise<void> {
    if (this.tickQueued) return this.tickChain;
    this.tickQueued = true;
    this.tickChain = this.tickChain.then(() => {
      this.tickQueued = false;
      return this.tick();
    });
    return this.tickChain;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      const now = this.deps.now();
      await fireDueSchedules(this.deps.store, now);
      const free = this.deps.concurrency - this.inFlight.size;
      if (free > 0) {
        const messages = await this.deps.store.claimDue({
          nowMs: now,
          limit: free,
          claimToken: newId('clm_'),
          inFlight: [...this.inFlight.keys()],
          defaultTimeoutMs: DEFAULT_TIMEOUT_MS,
          leaseMarginMs: LEASE_MARGIN_MS,
        });
        for (const message of messages) this.launch(message);
      }
      const next = await this.deps.store.nextWakeAt();
      // Due at claim time yet not claimed: our own attempts in flight, all slots busy, or another
      // emulator's claim. A finishing attempt ticks again, so poll rather than spin. Anything that
      // fell due since the claim gets an immediate tick.
      if (next === null || next <= now) this.arm(POLL_MS);
      else this.arm(next - this.deps.now());
    } catch (err) {
      if (!this.stopped) this.deps.log(`qstash: delivery loop: ${(err as Error).message}`);
      this.arm(POLL_MS);
    }
  }

  private arm(waitMs: number): void {
    if (this.stopped) return;
    const wait = Math.min(Math.max(waitMs, 0), POLL_MS);
    const at = Date.now() + wait;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Number.POSITIVE_INFINITY;
      void this.requestTick();
    }, wait);
    this.timer.unref();
  }

  private launch(message: ClaimedMessage): void {
    const abort = new AbortController();
    if (this.stopped) abort.abort();
    const done = this.attempt(message, abort.signal)
      .catch((err) => this.deps.log(`qstash: delivering ${message.id}: ${(err as Error).message}`))
      .finally(() => {
        this.inFlight.delete(message.id);
        void this.requestTick();
      });
    this.inFlight.set(message.id, { done, abort });
  }

  private async attempt(message: ClaimedMessage, shutdown: AbortSignal): Promise<void> {
    const result = await this.send(message, shutdown);
    if (result.kind === 'shutdown') {
      await this.deps.store.releaseClaim(message);
      return;
    }
    const now = this.deps.now();
    const followUps: NewMessage[] = [];
    if (message.callback && result.kind === 'response') {
      followUps.push(
        callbackMessage({ source: message, callback: message.callback, result, nowMs: now }),
      );
    }
    const outcome = this.outcome(message, result, now);
    if (outcome.kind === 'dead' && message.failureCallback) {
      followUps.push(
        callbackMessage({
          source: message,
          callback: message.failureCallback,
          result,
          nowMs: now,
          dlqId: outcome.dlqId,
        }),
      );
    }
    await this.deps.store.finishAttempt(message, outcome, followUps);
    const soonest = Math.min(
      ...followUps.map((m) => m.notBefore),
      outcome.kind === 'retry' ? outcome.dueAt : Number.POSITIVE_INFINITY,
    );
    if (Number.isFinite(soonest)) this.poke(soonest);
  }

  private outcome(message: ClaimedMessage, result: AttemptResult, now: number): AttemptOutcome {
    if (result.kind === 'response' && result.status >= 200 && result.status < 300) {
      return { kind: 'delivered' };
    }
    // QStash's opt-out: 489 with Upstash-NonRetryable-Error: true goes straight to the DLQ.
    const nonRetryable =
      result.kind === 'response' &&
      result.status === 489 &&
      result.headers['Upstash-Nonretryable-Error']?.[0] === 'true';
    if (nonRetryable || message.retried >= message.maxRetries) {
      return {
        kind: 'dead',
        dlqId: `${now}-${randomInt(1_000_000_000)}`,
        dlqAt: now,
        responseStatus: result.kind === 'response' ? result.status : null,
        responseHeader: result.kind === 'response' ? result.headers : null,
        responseBody: result.kind === 'response' ? result.body : null,
      };
    }
    const retried = message.retried + 1;
    const asked =
      result.kind === 'response'
        ? requestedRetryDelay(
            Object.fromEntries(
              Object.entries(result.headers).map(([k, v]) => [k.toLowerCase(), v[0]]),
            ),
            now,
          )
        : null;
    const wait =
      asked ??
      (message.retryDelay !== null
        ? compileRetryDelay(message.retryDelay)(message.retried)
        : this.deps.retryBackoff(retried));
    // Backoffs and Retry-After can be fractional milliseconds; due times are stored as whole ms.
    return { kind: 'retry', retried, dueAt: now + Math.ceil(wait) };
  }

  private send(message: ClaimedMessage, shutdown: AbortSignal): Promise<SendResult> {
    return new Promise<SendResult>((resolve) => {
      if (shutdown.aborted) return resolve({ kind: 'shutdown' });
      const timeoutMs = message.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (result: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        shutdown.removeEventListener('abort', onShutdown);
        resolve(result);
      };
      const onShutdown = () => {
        finish({ kind: 'shutdown' });
        req?.destroy();
      };
      let req: ReturnType<typeof httpRequest> | undefined;
      try {
        const url = new URL(message.destination);
        const https = url.protocol === 'https:';
        req = (https ? httpsRequest : httpRequest)(url, {
          method: message.method,
          headers: this.deliveryHeaders(message),
          agent: https ? this.httpsAgent : this.httpAgent,
        });
      } catch (err) {
        // e.g. a forwarded header value Node refuses to send.
        return finish({ kind: 'error', error: (err as Error).message });
      }
      shutdown.addEventListener('abort', onShutdown, { once: true });
      timer = setTimeout(() => {
        finish({ kind: 'error', error: `timed out after ${timeoutMs} ms (Upstash-Timeout)` });
        req?.destroy();
      }, timeoutMs);
      timer.unref();
      req.on('error', (err) => finish({ kind: 'error', error: err.message }));
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        });
        res.on('error', (err) => finish({ kind: 'error', error: err.message }));
        res.on('end', () => {
          const headers: HeaderMap = {};
          for (const [name, values] of Object.entries(res.headersDistinct)) {
            if (values) headers[canonicalHeaderName(name)] = values;
          }
          finish({
            kind: 'response',
            status: res.statusCode ?? 0,
            headers,
            body: Buffer.concat(chunks),
          });
        });
      });
      req.end(message.body);
    });
  }

  /** Forwarded headers plus QStash's own; ours win over a forwarded header of the same name. */
  private deliveryHeaders(message: ClaimedMessage): Record<string, string | string[]> {
    const headers = new Map<string, [string, string | string[]]>();
    const set = (name: string, value: string | string[]) =>
      headers.set(name.toLowerCase(), [name, value]);
    for (const [name, values] of Object.entries(message.headers)) {
      set(name, values.length === 1 ? values[0]! : values);
    }
    set('User-Agent', 'Upstash-QStash');
    set('Content-Length', String(message.body.length));
    set('Upstash-Message-Id', message.id);
    set('Upstash-Retried', String(message.retried));
    if (message.scheduleId !== null) set('Upstash-Schedule-Id', message.scheduleId);
    if (message.callerIp !== null) set('Upstash-Caller-Ip', message.callerIp);
    // Signed with the wall clock, not the injected one: receivers check exp/nbf against theirs.
    set(
      'Upstash-Signature',
      signDelivery({
        signingKey: this.deps.currentSigningKey,
        url: message.destination,
        body: message.body,
        nowMs: Date.now(),
      }),
    );
    return Object.fromEntries(headers.values());
  }
}
