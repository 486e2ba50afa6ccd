import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CatcherRequest, headerValue, json, type Reply } from './http.js';
import type { CaughtWebhook, MessageStore } from './store.js';

/** The longest a receiver may be told to stall; longer would outlast most test timeouts. */
export const MAX_DELAY_MS = 30_000;

const RECEIVER_PATH = /^\/webhooks\/([A-Za-z0-9._~-]+)(?:\/.*)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

type Behaviour = { fail: number | null; failTimes: number | null; delayMs: number };

/** Whether a path belongs to the webhook receivers. */
export function isWebhookPath(pathname: string): boolean {
  return pathname.startsWith('/webhooks/');
}

function decodeBody(body: Buffer): Pick<CaughtWebhook, 'body' | 'bodyEncoding'> {
  try {
    return { body: utf8.decode(body), bodyEncoding: 'utf8' };
  } catch {
    return { body: body.toString('base64'), bodyEncoding: 'base64' };
  }
}

/** A control from the query string, or else from an `x-catcher-*` header. */
function control(req: CatcherRequest, query: string, header: string): string | undefined {
  return req.url.searchParams.get(query) ?? headerValue(req.headers, header);
}

function behaviour(req: CatcherRequest): Behaviour | string {
  const fail = control(req, 'fail', 'x-catcher-fail');
  const failTimes = control(req, 'failTimes', 'x-catcher-fail-times');
  const delay = control(req, 'delayMs', 'x-catcher-delay-ms');
  const result: Behaviour = { fail: null, failTimes: null, delayMs: 0 };
  if (fail !== undefined) {
    result.fail = Number(fail);
    if (!Number.isInteger(result.fail) || result.fail < 200 || result.fail > 599) {
      return '`fail` must be an HTTP status from 200 to 599.';
    }
  }
  if (failTimes !== undefined) {
    result.failTimes = Number(failTimes);
    if (!Number.isInteger(result.failTimes) || result.failTimes < 1 || result.fail === null) {
      return '`failTimes` must be a positive integer and needs `fail`.';
    }
  }
  if (delay !== undefined) {
    result.delayMs = Number(delay);
    if (!Number.isInteger(result.delayMs) || result.delayMs < 0 || result.delayMs > MAX_DELAY_MS) {
      return `\`delayMs\` must be an integer from 0 to ${MAX_DELAY_MS}.`;
    }
  }
  return result;
}

/**
 * Receivers at /webhooks/:name that record every request and answer 200, or, to simulate a
 * broken customer endpoint, `?fail=<status>` (the first `failTimes` requests only, if given)
 * after `?delayMs=<ms>`.
 */
export function createWebhookSink({ store }: { store: MessageStore }) {
  // Requests seen per receiver while a `failTimes` budget applies, so retries can succeed.
  const failures = new Map<string, number>();

  async function handleWebhook(req: CatcherRequest): Promise<Reply> {
    const name = RECEIVER_PATH.exec(req.url.pathname)?.[1];
    if (!name) return json(404, { error: 'Receiver names may use letters, digits and . _ ~ -' });
    const wanted = behaviour(req);
    // A malformed control is a broken test, not a simulated failure: say so and record nothing.
    if (typeof wanted === 'string') return json(400, { error: wanted });

    let status = 200;
    if (wanted.fail !== null) {
      const seen = (failures.get(name) ?? 0) + 1;
      failures.set(name, seen);
      status = wanted.failTimes === null || seen <= wanted.failTimes ? wanted.fail : 200;
    }
    const id = randomUUID();
    const headers: Record<string, string | string[]> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[key] = value;
    }
    store.add({
      id,
      kind: 'webhook',
      createdAt: new Date().toISOString(),
      payload: {
        name,
        method: req.method,
        path: `${req.url.pathname}${req.url.search}`,
        headers,
        ...decodeBody(req.body),
        status,
        delayMs: wanted.delayMs,
      },
    });
    if (wanted.delayMs > 0) await sleep(wanted.delayMs, undefined, { signal: req.signal });
    return status < 300
      ? json(status, { received: true, id })
      : json(status, { error: `Simulated failure (fail=${status})`, id });
  }

  return {
    handleWebhook,
    /** Forgets the `failTimes` counters along with the caught messages. */
    reset() {
      failures.clear();
    },
  };
}
