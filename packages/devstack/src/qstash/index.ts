import { closeServer, listen, type RunningService } from '../net/listen.js';
import { DeliveryLoop } from './delivery.js';
import { type DlqMessageJson, dlqJson } from './responses.js';
import { defaultRetryBackoff } from './retry.js';
import { createQStashServer } from './server.js';
import { QStashStore } from './store.js';

export type { DlqMessageJson, MessageJson } from './responses.js';

export type QStashEmulatorOptions = {
  host?: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** The bearer token clients must send (QSTASH_TOKEN). */
  token: string;
  /** Deliveries are signed with this key (QSTASH_CURRENT_SIGNING_KEY). */
  currentSigningKey: string;
  /** Reported by `GET /v2/keys` (QSTASH_NEXT_SIGNING_KEY). */
  nextSigningKey: string;
  /** Postgres for pending messages, schedules, DLQ and dedup ids (schema `devstack_qstash`). */
  databaseUrl: string;
  /** Clock for delays, schedules, retries and dedup windows (epoch ms); tests inject a fake one. */
  now?: () => number;
  /** Milliseconds before retry number `attempt` (1-based); QStash's exponential backoff by default. */
  retryBackoff?: (attempt: number) => number;
  /** How many deliveries run at once. */
  concurrency?: number;
  log?: (line: string) => void;
};

export type RunningQStash = RunningService & {
  token: string;
  currentSigningKey: string;
  nextSigningKey: string;
  /** Delivers everything due now (retries falling due meanwhile included); resolves when nothing is. */
  drain(): Promise<void>;
  /** The dead-letter queue, newest first, as `GET /v2/dlq` lists it. */
  dlq(): Promise<DlqMessageJson[]>;
};

/**
 * Starts the QStash emulator: the publish/schedule/DLQ REST API that `@upstash/qstash`'s Client
 * talks to, and a delivery loop that calls destinations with real `Upstash-Signature` JWTs, so
 * `Receiver.verify` works unchanged. State lives in Postgres and survives restarts.
 */
export async function startQStashEmulator(options: QStashEmulatorOptions): Promise<RunningQStash> {
  for (const key of ['token', 'currentSigningKey', 'nextSigningKey', 'databaseUrl'] as const) {
    if (!options[key]) throw new Error(`QStash emulator: ${key} is required`);
  }
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line: string) => console.error(line));
  const store = await QStashStore.open(options.databaseUrl, log);
  const loop = new DeliveryLoop({
    store,
    currentSigningKey: options.currentSigningKey,
    now,
    retryBackoff: options.retryBackoff ?? defaultRetryBackoff,
    concurrency: options.concurrency ?? 8,
    log,
  });
  const server = createQStashServer({
    store,
    loop,
    token: options.token,
    currentSigningKey: options.currentSigningKey,
    nextSigningKey: options.nextSigningKey,
    now,
    log,
  });
  const host = options.host ?? '127.0.0.1';
  let port: number;
  try {
    port = await listen(server, { host, port: options.port, name: 'QStash emulator' });
  } catch (err) {
    await store.close();
    throw err;
  }
  loop.start();

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    token: options.token,
    currentSigningKey: options.currentSigningKey,
    nextSigningKey: options.nextSigningKey,
    drain: () => loop.drain(),
    dlq: async () =>
      (
        await store.listDlq({}, { count: Number.MAX_SAFE_INTEGER, offset: 0, order: 'latestFirst' })
      ).entries.map(dlqJson),
    close() {
      // Stop taking requests, hand in-flight claims back, then let go of Postgres.
      closing ??= closeServer(server)
        .then(() => loop.stop())
        .finally(() => store.close());
      return closing;
    },
  };
}
