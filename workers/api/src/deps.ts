import type { Keyring, LivePublisher, NotificationChannels } from '@anythingiot/core';
import type { Database, DbHandle, SqlOverHttp } from '@anythingiot/db';
import type { DeviceDownlink, JobQueue, WebhookDestinations } from '@anythingiot/services';
import type { Client as QStashClient, Receiver as QStashReceiver } from '@upstash/qstash';
import type { Redis } from '@upstash/redis';

/** One structured log line (a "wide event"): everything known about one request or job. */
export type LogEvent = Record<string, unknown>;

/**
 * What the app needs from the outside world. The Worker entry, Node tests and Deno each build
 * these from their environment; the app itself never reads env or globals.
 */
export type AppDeps = {
  /** A database for one request. Workers forbid sharing a socket across requests. */
  openDb(): DbHandle;
  /**
   * One-shot statements over Neon's HTTP query mode: ingest's hot path (one statement per post,
   * on Neon's warm pooled backends). Transactions and everything else use `openDb`.
   */
  sqlOverHttp(): SqlOverHttp;
  redis: Redis;
  /** QStash itself: the readiness probe. Jobs are queued through `jobs`. */
  qstash: QStashClient;
  /** Queues QStash jobs (services' `defineJob` definitions) to this api's public base URL. */
  jobs: JobQueue;
  /** Email, SMS and webhook senders, and the dashboard URL notifications link to. */
  notify: NotificationChannels & {
    appUrl: string;
    /** How QStash retries a failed delivery (count, and a retry-delay expression). */
    retry: { retries: number; delay: string };
    /** Where tenants' webhooks may point: checked at registration and before every send. */
    webhookDestinations: WebhookDestinations;
  };
  /** Checks the `Upstash-Signature` of QStash callbacks (/v1/jobs/*). */
  qstashReceiver: Pick<QStashReceiver, 'verify'>;
  log(event: LogEvent): void;
  now(): number;
  /**
   * The tenant rooms (dashboards' live data): the room Durable Object in the Worker, a no-op
   * where there are no rooms (Deno), a recorder in Node tests. Call only after a commit.
   */
  live: LivePublisher;
  /**
   * The device rooms (downlink): asks a device's room to push what is due now, if the device is
   * connected. Only the Worker has rooms; elsewhere commands wait for the device's next post.
   */
  downlink?: DeviceDownlink;
  /** Device-secret keys, parsed once on first use (Web Crypto import is async). */
  keyring(): Promise<Keyring>;
  ingest: { timestampWindowMs: number; ratePerMinute: number };
  /** Requests per minute one tenant API key may make (fixed window in Redis). */
  apiKeyRatePerMinute: number;
  /** Requests per minute all API keys of one tenant may make together (fixed window in Redis). */
  tenantRatePerMinute: number;
  /**
   * A device is offline after expectedInterval × offlineFactor without data; the same span
   * around an alert's due instant marks an alert raised on missing data ("data gap").
   */
  alerts: { offlineFactor: number };
};

/** Per-request values handlers read from `c.var`. */
export type AppVariables = {
  requestId: string;
  deps: AppDeps;
  /** Opens the request's database on first use; closed when the response is done. */
  db(): Database;
  /** Set by the error mapper for the wide event; never sent to clients. */
  error?: unknown;
};

export type AppEnv = { Variables: AppVariables };
