import { neon, neonConfig, Pool } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-serverless';
import * as schema from './schema/index.js';

/**
 * How to reach Postgres. In production only `url` is set (Neon defaults apply); locally the
 * devstack's WebSocket proxy is named here — configuration, never an `if (dev)` branch.
 */
export type DbConfig = {
  url: string;
  /** `neonConfig.wsProxy`: host:port/path of a WebSocket proxy, without protocol. */
  wsProxy?: string | undefined;
  /**
   * `neonConfig.fetchEndpoint`: where `neon()` posts one-shot queries. Unset in production, where
   * the driver's default `https://api.<host>/sql` applies; the devstack's proxy serves `/sql`.
   */
  httpEndpoint?: string | undefined;
  /** `wss:` (Neon) or `ws:` (a local proxy). Default true. */
  secureWebSocket?: boolean | undefined;
  /** Neon pipelines startup+auth+query with cleartext auth; SCRAM needs `false`. */
  pipelineConnect?: 'password' | false | undefined;
  /** Upper bound for connection and statement time, so a dead database fails fast. */
  timeoutMs?: number;
  max?: number;
};

export type Database = ReturnType<typeof drizzle<typeof schema>>;
export type DbHandle = { db: Database; pool: Pool; close(): Promise<void> };

/**
 * A drizzle database over `@neondatabase/serverless` (Postgres over WebSockets). Works in
 * workerd, Deno and Node. In Workers a pool must not outlive its request: open one per request
 * and close it when the response is done.
 */
export function createDb(config: DbConfig): DbHandle {
  if (config.wsProxy) neonConfig.wsProxy = config.wsProxy;
  if (config.secureWebSocket !== undefined) neonConfig.useSecureWebSocket = config.secureWebSocket;
  if (config.pipelineConnect !== undefined) neonConfig.pipelineConnect = config.pipelineConnect;
  const timeoutMs = config.timeoutMs ?? 5_000;
  const pool = new Pool({
    connectionString: config.url,
    max: config.max ?? 5,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs * 2,
  });
  // An idle connection that dies (database restart) must not crash the process; the next
  // query opens a fresh one.
  pool.on('error', () => {});
  const db = drizzle({ client: pool, schema });
  return { db, pool, close: () => pool.end() };
}

/** A query function that returns rows: what a one-statement repository call needs. */
export type SqlOverHttp = {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: unknown[],
  ): Promise<{ rows: R[] }>;
};

/**
 * One-shot statements over Neon's HTTP query mode (`neon()`): each query is one HTTPS request
 * that Neon runs on a pooled, warm backend — no WebSocket, no Postgres startup or
 * authentication per request. Only for single statements (or a batch as one transaction);
 * interactive transactions stay on `createDb`. Holds no socket, so it may be shared across
 * requests. Values come back parsed by type, as the WebSocket pool returns them.
 */
export function createSqlOverHttp(config: DbConfig): SqlOverHttp {
  if (config.httpEndpoint) neonConfig.fetchEndpoint = config.httpEndpoint;
  const timeoutMs = config.timeoutMs ?? 5_000;
  const sql = neon(config.url, { fullResults: true });
  return {
    async query<R extends Record<string, unknown>>(text: string, params: unknown[] = []) {
      // The same bound as the pool's statement timeout, so a dead database fails fast.
      const signal = AbortSignal.timeout(timeoutMs * 2);
      const result = await sql.query(text, params, { fetchOptions: { signal } });
      return { rows: result.rows as R[] };
    },
  };
}
