import type { IncomingMessage, ServerResponse } from 'node:http';
import pg from 'pg';

/**
 * Neon's SQL-over-HTTP endpoint (`POST /sql`), as `neon()` from `@neondatabase/serverless`
 * speaks it, served from warm `pg` pools (one per user, password and database), as Neon's proxy
 * serves it from its own pool of warm backends.
 *
 * Protocol, as the driver sends it and Neon's proxy answers it:
 * - headers `Neon-Connection-String` (whose user, password and database are used),
 *   `Neon-Raw-Text-Output: true`, `Neon-Array-Mode`, and for batches `Neon-Batch-Isolation-Level`
 *   (`Serializable` | `ReadUncommitted` | `ReadCommitted` | `RepeatableRead`),
 *   `Neon-Batch-Read-Only`, `Neon-Batch-Deferrable` (anything but `true` is false);
 * - body `{query, params, arrayMode?}` or `{queries: [...]}` (one transaction);
 * - answer `{command, rowCount, rows, fields, rowAsArray}` or `{results: [...]}`, every value as
 *   Postgres text (the driver parses by `dataTypeID`);
 * - a Postgres error → 400 with its fields (message, code, detail, constraint, …), which the
 *   driver copies onto its NeonDbError; a database that cannot be reached → 500 (the driver
 *   then throws "Server error (HTTP status 500)" with no SQLSTATE), as Neon answers.
 *
 * Not served (answered 400, never silently ignored): JWT auth (`Authorization`) and JSON-typed
 * output (`Neon-Raw-Text-Output` other than `true`); the driver always asks for raw text.
 */
export type SqlOverHttpOptions = {
  /** The only Postgres this endpoint reaches (loopback, this port): it is not an open relay. */
  postgresPort: number;
  postgresHost?: string;
  /** Warm backends kept per database and role. */
  maxPerPool?: number;
};

export type SqlOverHttpHandler = {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Closes every pooled backend (a compute restart); the next query opens new ones. */
  dropConnections(): Promise<void>;
  close(): Promise<void>;
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const MAX_REQUEST_BYTES = 10 * 1024 * 1024; // Neon's documented request limit
const ISOLATION: Record<string, string> = {
  Serializable: 'serializable',
  ReadUncommitted: 'read uncommitted',
  ReadCommitted: 'read committed',
  RepeatableRead: 'repeatable read',
};
const ERROR_FIELDS = [
  'severity',
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

/** Every value stays Postgres text: the client parses by type, as it does with Neon. */
const TEXT_TYPES = { getTypeParser: () => (value: string) => value };

type QueryData = { query: string; params: (string | null)[]; arrayMode?: boolean };

/** An answer that is not a Postgres error: status and message. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sqlOverHttp(options: SqlOverHttpOptions): SqlOverHttpHandler {
  const postgresHost = options.postgresHost ?? '127.0.0.1';
  const pools = new Map<string, pg.Pool>();

  function poolFor(target: URL): pg.Pool {
    const user = decodeURIComponent(target.username);
    const password = decodeURIComponent(target.password);
    const database = decodeURIComponent(target.pathname.slice(1));
    const key = JSON.stringify([user, password, database]);
    let pool = pools.get(key);
    if (pool) return pool;
    pool = new pg.Pool({
      host: postgresHost,
      port: options.postgresPort,
      user,
      password, // Postgres checks it: a wrong password fails like any login
      database,
      max: options.maxPerPool ?? 10,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 5_000,
      application_name: target.searchParams.get('application_name') ?? 'neon-sql-over-http',
    });
    const created = pool;
    // A backend that dies while idle (DROP DATABASE … FORCE, a restart) leaves the pool; an
    // emptied pool is forgotten so databases that come and go (tests) do not pile up pools.
    created.on('error', () => {});
    created.on('remove', () => {
      if (created.totalCount === 0 && pools.get(key) === created) {
        pools.delete(key);
        void created.end().catch(() => {});
      }
    });
    pools.set(key, created);
    return created;
  }

  /** Forgets a pool that never got a backend (wrong password, no such database). */
  function discardIfEmpty(pool: pg.Pool) {
    if (pool.totalCount > 0) return;
    for (const [key, p] of pools) if (p === pool) pools.delete(key);
    void pool.end().catch(() => {});
  }

  function parseTarget(header: string | undefined): URL {
    if (!header) throw new HttpError(400, 'missing Neon-Connection-String header');
    let url: URL;
    try {
      url = new URL(header);
    } catch {
      throw new HttpError(400, 'Neon-Connection-String is not a valid URL');
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      throw new HttpError(400, 'Neon-Connection-String must be a postgres:// URL');
    }
    if (!url.username || url.pathname.length < 2) {
      throw new HttpError(400, 'Neon-Connection-String needs a user and a database');
    }
    if (!LOOPBACK.has(url.hostname) || Number(url.port || 5432) !== options.postgresPort) {
      throw new HttpError(400, `this endpoint only reaches 127.0.0.1:${options.postgresPort}`);
    }
    return url;
  }

  function parsePayload(body: string): { single?: QueryData; batch?: QueryData[] } {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new HttpError(400, 'the request body is not JSON');
    }
    const item = (value: unknown): QueryData => {
      const { query, params = [], arrayMode } = (value ?? {}) as Record<string, unknown>;
      if (typeof query !== 'string') throw new HttpError(400, 'query must be a string');
      if (!Array.isArray(params)) throw new HttpError(400, 'params must be an array');
      if (arrayMode !== undefined && typeof arrayMode !== 'boolean') {
        throw new HttpError(400, 'arrayMode must be a boolean');
      }
      return { query, params: params.map(toPgText), arrayMode };
    };
    const queries = (json as { queries?: unknown }).queries;
    if (Array.isArray(queries)) return { batch: queries.map(item) };
    return { single: item(json) };
  }

  async function run(
    client: pg.Pool | pg.PoolClient,
    data: QueryData,
    defaultArrayMode: boolean,
  ): Promise<unknown> {
    // Always the extended protocol, as Neon: one statement per query, parameters bound.
    // (`queryMode` is pg's, missing from its type declarations.)
    const config: pg.QueryArrayConfig & { queryMode: 'extended' } = {
      text: data.query,
      values: data.params,
      rowMode: 'array',
      types: TEXT_TYPES as unknown as pg.CustomTypesConfig,
      queryMode: 'extended',
    };
    const result = await client.query(config);
    const arrayMode = data.arrayMode ?? defaultArrayMode;
    const fields = result.fields.map((f) => ({
      name: f.name,
      dataTypeID: f.dataTypeID,
      tableID: f.tableID,
      columnID: f.columnID,
      dataTypeSize: f.dataTypeSize,
      dataTypeModifier: f.dataTypeModifier,
      format: 'text',
    }));
    const rows = arrayMode
      ? result.rows
      : (result.rows as unknown[][]).map((row) =>
          Object.fromEntries(fields.map((f, i) => [f.name, row[i]])),
        );
    return {
      command: result.command,
      rowCount: result.rowCount,
      rows,
      fields,
      rowAsArray: arrayMode,
    };
  }

  async function batch(
    pool: pg.Pool,
    queries: QueryData[],
    headers: IncomingMessage['headers'],
    defaultArrayMode: boolean,
  ): Promise<unknown> {
    const levelHeader = header(headers, 'neon-batch-isolation-level');
    const level = levelHeader === undefined ? undefined : ISOLATION[levelHeader];
    if (levelHeader !== undefined && level === undefined) {
      throw new HttpError(400, 'invalid isolation level');
    }
    const modes = [
      level && `isolation level ${level}`,
      header(headers, 'neon-batch-read-only') === 'true' && 'read only',
      header(headers, 'neon-batch-deferrable') === 'true' && 'deferrable',
    ].filter(Boolean);
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(`begin${modes.length ? ` ${modes.join(', ')}` : ''}`);
      try {
        const results = [];
        for (const q of queries) results.push(await run(client, q, defaultArrayMode));
        await client.query('commit');
        return { results };
      } catch (err) {
        await client.query('rollback').catch((e: Error) => {
          broken = e;
        });
        throw err;
      }
    } catch (err) {
      if (!isPostgresError(err)) broken ??= err as Error;
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async function answer(req: IncomingMessage, body: string) {
    if (req.headers.authorization !== undefined) {
      throw new HttpError(400, 'JWT authentication is not served by the devstack');
    }
    if (header(req.headers, 'neon-raw-text-output') !== 'true') {
      throw new HttpError(400, 'only Neon-Raw-Text-Output: true is served by the devstack');
    }
    const target = parseTarget(header(req.headers, 'neon-connection-string'));
    const payload = parsePayload(body);
    const arrayMode = header(req.headers, 'neon-array-mode') === 'true';
    const pool = poolFor(target);
    try {
      return payload.batch
        ? await batch(pool, payload.batch, req.headers, arrayMode)
        : await run(pool, payload.single as QueryData, arrayMode);
    } catch (err) {
      discardIfEmpty(pool);
      throw err;
    }
  }

  return {
    handle(req, res) {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
      });
      req.on('end', () => {
        const reply = (status: number, json: unknown) => {
          const text = JSON.stringify(json);
          res
            .writeHead(status, {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(text),
            })
            .end(text);
        };
        if (size > MAX_REQUEST_BYTES) {
          reply(400, { message: `request is too large (max is ${MAX_REQUEST_BYTES} bytes)` });
          return;
        }
        answer(req, Buffer.concat(chunks).toString('utf8')).then(
          (json) => reply(200, json),
          (err: unknown) => {
            if (err instanceof HttpError) reply(err.status, { message: err.message });
            else if (isPostgresError(err)) reply(400, postgresErrorBody(err));
            else
              reply(500, {
                message: `Couldn't connect to compute node: ${(err as Error)?.message ?? err}`,
              });
          },
        );
      });
    },
    async dropConnections() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((p) => p.end().catch(() => {})));
    },
    async close() {
      await this.dropConnections();
    },
  };
}

function header(headers: IncomingMessage['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Neon binds JSON parameters as Postgres text: strings as they are, others as their text. */
function toPgText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** An error Postgres itself reported (it carries a SQLSTATE), as opposed to a network failure. */
function isPostgresError(err: unknown): err is pg.DatabaseError {
  return err instanceof pg.DatabaseError;
}

function postgresErrorBody(err: pg.DatabaseError) {
  const body: Record<string, unknown> = { message: err.message };
  for (const field of ERROR_FIELDS) body[field] = err[field] ?? null;
  return body;
}
