import type {
  CallbackSpec,
  DlqEntry,
  Filter,
  HeaderMap,
  HttpMethod,
  StoredMessage,
  StoredSchedule,
} from './types.js';

/** The emulator's own schema, beside whatever else lives in the database. */
export const SCHEMA = 'devstack_qstash';
/** Qualified table names. */
export const T = {
  messages: `${SCHEMA}.messages`,
  dedup: `${SCHEMA}.dedup`,
  schedules: `${SCHEMA}.schedules`,
  dlq: `${SCHEMA}.dlq`,
};

// Columns a message shares with its DLQ entry; the DLQ copies them verbatim.
export const MESSAGE_COLUMNS = [
  'id',
  'destination',
  'method',
  'headers',
  'body',
  'max_retries',
  'retried',
  'not_before',
  'due_at',
  'created_at',
  'timeout_ms',
  'retry_delay',
  'callback',
  'failure_callback',
  'schedule_id',
  'caller_ip',
  'label',
  'dedup_id',
] as const;

/** Creates what is missing; safe to run at every start. */
export const DDL = `
CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
CREATE TABLE IF NOT EXISTS ${T.messages} (
  id text PRIMARY KEY,
  destination text NOT NULL,
  method text NOT NULL,
  headers jsonb NOT NULL,
  body bytea NOT NULL,
  max_retries integer NOT NULL,
  retried integer NOT NULL DEFAULT 0,
  not_before bigint NOT NULL,
  due_at bigint NOT NULL,
  created_at bigint NOT NULL,
  timeout_ms bigint,
  retry_delay text,
  callback jsonb,
  failure_callback jsonb,
  schedule_id text,
  caller_ip text,
  label text,
  dedup_id text,
  locked_until bigint,
  claim_token text
);
CREATE INDEX IF NOT EXISTS messages_due_at_idx ON ${T.messages} (due_at);
CREATE TABLE IF NOT EXISTS ${T.dedup} (
  id text PRIMARY KEY,
  message_id text NOT NULL,
  expires_at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS ${T.schedules} (
  id text PRIMARY KEY,
  cron text NOT NULL,
  destination text NOT NULL,
  method text NOT NULL,
  headers jsonb NOT NULL,
  body bytea NOT NULL,
  max_retries integer NOT NULL,
  delay_ms bigint NOT NULL,
  timeout_ms bigint,
  retry_delay text,
  callback jsonb,
  failure_callback jsonb,
  label text,
  caller_ip text,
  created_at bigint NOT NULL,
  is_paused boolean NOT NULL DEFAULT false,
  next_run_at bigint NOT NULL,
  last_run_at bigint,
  last_message_id text
);
CREATE TABLE IF NOT EXISTS ${T.dlq} (
  dlq_id text PRIMARY KEY,
  ${MESSAGE_COLUMNS.map((c) => `${c} ${c === 'id' ? 'text NOT NULL' : columnType(c)}`).join(',\n  ')},
  response_status integer,
  response_header jsonb,
  response_body bytea,
  dlq_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS dlq_dlq_at_idx ON ${T.dlq} (dlq_at);
`;

function columnType(column: string): string {
  if (['headers', 'callback', 'failure_callback'].includes(column)) return 'jsonb';
  if (column === 'body') return 'bytea';
  if (['max_retries', 'retried'].includes(column)) return 'integer';
  if (['not_before', 'due_at', 'created_at', 'timeout_ms'].includes(column)) return 'bigint';
  return 'text';
}

type Row = Record<string, unknown>;

// int8 columns arrive as strings from node-postgres.
const num = (v: unknown) => Number(v);
/** A nullable int8 column as a number. */
export const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Row → message. */
export function toMessage(row: Row): StoredMessage {
  return {
    id: row.id as string,
    destination: row.destination as string,
    method: row.method as HttpMethod,
    headers: row.headers as HeaderMap,
    body: row.body as Buffer,
    maxRetries: num(row.max_retries),
    retried: num(row.retried),
    notBefore: num(row.not_before),
    dueAt: num(row.due_at),
    createdAt: num(row.created_at),
    timeoutMs: numOrNull(row.timeout_ms),
    retryDelay: (row.retry_delay as string | null) ?? null,
    callback: (row.callback as CallbackSpec | null) ?? null,
    failureCallback: (row.failure_callback as CallbackSpec | null) ?? null,
    scheduleId: (row.schedule_id as string | null) ?? null,
    callerIp: (row.caller_ip as string | null) ?? null,
    label: (row.label as string | null) ?? null,
    dedupId: (row.dedup_id as string | null) ?? null,
  };
}

/** Row → DLQ entry. */
export function toDlq(row: Row): DlqEntry {
  return {
    ...toMessage(row),
    dlqId: row.dlq_id as string,
    responseStatus: numOrNull(row.response_status),
    responseHeader: (row.response_header as HeaderMap | null) ?? null,
    responseBody: (row.response_body as Buffer | null) ?? null,
    dlqAt: num(row.dlq_at),
  };
}

/** Row → schedule. */
export function toSchedule(row: Row): StoredSchedule {
  return {
    id: row.id as string,
    cron: row.cron as string,
    destination: row.destination as string,
    method: row.method as HttpMethod,
    headers: row.headers as HeaderMap,
    body: row.body as Buffer,
    maxRetries: num(row.max_retries),
    delayMs: num(row.delay_ms),
    timeoutMs: numOrNull(row.timeout_ms),
    retryDelay: (row.retry_delay as string | null) ?? null,
    callback: (row.callback as CallbackSpec | null) ?? null,
    failureCallback: (row.failure_callback as CallbackSpec | null) ?? null,
    label: (row.label as string | null) ?? null,
    callerIp: (row.caller_ip as string | null) ?? null,
    createdAt: num(row.created_at),
    isPaused: row.is_paused as boolean,
    nextRunAt: num(row.next_run_at),
    lastRunAt: numOrNull(row.last_run_at),
    lastMessageId: (row.last_message_id as string | null) ?? null,
  };
}

// jsonb parameters are passed as JSON text: node-postgres would turn a JS array into a PG array.
export const json = (value: unknown) => (value === null ? null : JSON.stringify(value));

/** Builds a WHERE clause from a bulk filter; `idColumn` is what `ids` matches. */
export function whereClause(filter: Filter, idColumn: string, params: unknown[]): string {
  const conditions: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    conditions.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.ids) add(`${idColumn} = ANY(?)`, filter.ids);
  if (filter.messageId !== undefined) add('id = ?', filter.messageId);
  if (filter.url !== undefined) add('destination = ?', filter.url);
  if (filter.label !== undefined) add('label = ?', filter.label);
  if (filter.scheduleId !== undefined) add('schedule_id = ?', filter.scheduleId);
  if (filter.fromDate !== undefined) add('created_at >= ?', filter.fromDate);
  if (filter.toDate !== undefined) add('created_at <= ?', filter.toDate);
  if (filter.responseStatus !== undefined) add('response_status = ?', filter.responseStatus);
  if (filter.callerIp !== undefined) add('caller_ip = ?', filter.callerIp);
  return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
}
