import type { Database, SqlOverHttp } from '@anythingiot/db';
import type { Redis } from '@upstash/redis';
import type { ServicePorts, SystemCtx } from '../context.js';

/**
 * What the device pipeline needs (ingest, the device's own use cases, the alert evaluation it
 * triggers). Build it ONCE per isolate and pass the same object on every call: ingest keeps its
 * in-memory credential and signing-key caches per ports object, which is what lets a warm post
 * skip Redis and Web Crypto.
 */
export type IngestPorts = Omit<ServicePorts, 'redis' | 'log' | 'jobs' | 'live'> &
  Pick<SystemCtx['ports'], 'jobs' | 'live'> & {
    /** Upstash's client: credential cache, replay guard, per-device rate (all best effort). */
    redis: Redis;
    log(event: Record<string, unknown>): void;
    /**
     * One-shot statements over Neon's HTTP query mode: the hot path's one statement per post,
     * on Neon's warm pooled backends. Transactions and everything else use the ctx's `db`.
     */
    sqlOverHttp(): SqlOverHttp;
    ingest: { timestampWindowMs: number; ratePerMinute: number };
  };

/**
 * A device request before the device is known: the signature decides who it is. `db` opens the
 * WebSocket pool only when needed (a warm post's one statement goes over HTTP instead).
 */
export type IngestCtx = {
  db: () => Database;
  requestId: string | null;
  ports: IngestPorts;
};
