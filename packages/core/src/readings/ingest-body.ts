import { DomainError } from '../errors/domain-error.js';
import { normaliseMetric } from './metrics.js';

/** One stored data point: identity is (device, metric, ts). */
export type ReadingRow = { metric: string; ts: number; value: number; seq: number | null };

export type RejectedReading = { index: number; code: string; detail: string };

export type ParsedBatch = { rows: ReadingRow[]; rejected: RejectedReading[]; readingCount: number };

export type IngestLimits = {
  /** Event time may be at most this far ahead of the server clock (device clock skew). */
  maxFutureSkewMs: number;
  /** Older readings are refused as absurd (a dead RTC reporting 1970). */
  maxAgeMs: number;
  maxReadings: number;
};

export const DEFAULT_INGEST_LIMITS: IngestLimits = {
  maxFutureSkewMs: 5 * 60_000,
  maxAgeMs: 365 * 24 * 3_600_000,
  maxReadings: 1_000,
};

/** Fields of the customer guide's format that are not metrics. */
const ENVELOPE_FIELDS = new Set(['ts', 'sensor_id', 'seq', 'metrics']);

/**
 * Parses and normalises a device post. Batch-level problems (not JSON, no readings array, too
 * many readings) throw; a bad reading is rejected alone with its index, so the good ones in
 * the same batch are still stored.
 *
 * Both formats are accepted: the guide's flat one (`temperature`, `humidity`, `door_status`,
 * `power_consumption` beside `ts` and `sensor_id`) and the generic `metrics` map.
 */
export function parseIngestBody(
  text: string,
  now: number,
  limits = DEFAULT_INGEST_LIMITS,
): ParsedBatch {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalid('malformed_json', 'The body is not valid JSON.', 'body');
  }
  const readings = (body as { readings?: unknown } | null)?.readings;
  if (!Array.isArray(readings) || readings.length === 0) {
    throw invalid(
      'no_readings',
      'The body must be {"readings":[…]} with at least one reading.',
      'readings',
    );
  }
  if (readings.length > limits.maxReadings) {
    throw invalid(
      'too_many_readings',
      `At most ${limits.maxReadings} readings per request; this one has ${readings.length}.`,
      'readings',
    );
  }

  const rows: ReadingRow[] = [];
  const rejected: RejectedReading[] = [];
  readings.forEach((reading, index) => {
    const result = parseReading(reading, now, limits);
    if ('code' in result) rejected.push({ index, ...result });
    else rows.push(...result);
  });
  return { rows, rejected, readingCount: readings.length };
}

function parseReading(
  reading: unknown,
  now: number,
  limits: IngestLimits,
): ReadingRow[] | { code: string; detail: string } {
  if (reading === null || typeof reading !== 'object' || Array.isArray(reading)) {
    return { code: 'invalid_reading', detail: 'a reading must be an object' };
  }
  const r = reading as Record<string, unknown>;
  const time = readEventTime(r.ts);
  if ('code' in time) return time;
  const { ts } = time;
  if (ts > now + limits.maxFutureSkewMs) {
    return {
      code: 'future_timestamp',
      detail: `ts ${new Date(ts).toISOString()} is in the future`,
    };
  }
  if (ts < now - limits.maxAgeMs) {
    return { code: 'too_old', detail: `ts ${new Date(ts).toISOString()} is older than allowed` };
  }
  let seq: number | null = null;
  if (r.seq !== undefined) {
    if (!Number.isSafeInteger(r.seq) || (r.seq as number) < 0) {
      return { code: 'invalid_seq', detail: 'seq must be a non-negative integer' };
    }
    seq = r.seq as number;
  }

  const entries: [string, unknown][] =
    r.metrics !== undefined
      ? r.metrics !== null && typeof r.metrics === 'object' && !Array.isArray(r.metrics)
        ? Object.entries(r.metrics)
        : [['metrics', r.metrics]]
      : Object.entries(r).filter(([k, v]) => !ENVELOPE_FIELDS.has(k) && v !== null);
  if (entries.length === 0) return { code: 'no_metrics', detail: 'the reading carries no metric' };

  const rows: ReadingRow[] = [];
  const seen = new Set<string>();
  for (const [name, raw] of entries) {
    const metric = normaliseMetric(name, raw);
    if ('code' in metric) return metric;
    // Two aliases of one metric in one reading (temperature and temp_f) would be two values for
    // the same identity; refuse rather than pick one silently.
    if (seen.has(metric.metric)) {
      return { code: 'duplicate_metric', detail: `${metric.metric} appears twice in one reading` };
    }
    seen.add(metric.metric);
    rows.push({ metric: metric.metric, ts, value: metric.value, seq });
  }
  return rows;
}

/** Event-time refusals, each with its own code so a device's log says what to fix. */
export type EventTimeProblem = {
  code: 'invalid_timestamp' | 'impossible_date' | 'timestamp_out_of_range';
  detail: string;
};

/** The largest instant JavaScript's Date represents (±100,000,000 days around 1970). */
export const MAX_DATE_MS = 8.64e15;

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Reads a reading's `ts`: ISO 8601 with a zone (`Z` or `±hh:mm`; any fraction digits) or Unix
 * ms (Unix seconds, a common device mistake, are recognised below 1e11). Refuses what is not a
 * time (`invalid_timestamp`), a date no calendar has (`impossible_date`: 2026-02-30, 2026-02-29,
 * 2026-04-31, hour 24, second 60 — Date.parse would silently move them to the next month or
 * day) and a number beyond Date's range (`timestamp_out_of_range`, e.g. 1e16).
 */
export function readEventTime(value: unknown): { ts: number } | EventTimeProblem {
  if (typeof value === 'number') {
    // 1e11 ms is 1973, 1e11 s is year 5138.
    const ms = value < 1e11 ? value * 1_000 : value;
    if (!Number.isFinite(ms) || ms <= 0) {
      return { code: 'invalid_timestamp', detail: 'ts must be a positive Unix time in ms' };
    }
    if (ms > MAX_DATE_MS) {
      return {
        code: 'timestamp_out_of_range',
        detail: `ts ${value} is beyond the last representable time (${MAX_DATE_MS} ms)`,
      };
    }
    return { ts: Math.round(ms) };
  }
  const match = typeof value === 'string' ? ISO_TIME.exec(value) : null;
  if (!match) {
    return {
      code: 'invalid_timestamp',
      detail: 'ts must be an ISO 8601 time with zone, or Unix ms',
    };
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return {
      code: 'impossible_date',
      detail: `ts ${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]} is not a calendar date and time`,
    };
  }
  // Date.parse refuses more than 3 fraction digits in some runtimes; Python sends 6.
  const millis = (match[7] ?? '').padEnd(3, '0').slice(0, 3);
  const zone = match[8] === 'Z' ? 'Z' : `${match[8]!.slice(0, 3)}:${match[8]!.slice(-2)}`;
  const iso = `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}.${millis}${zone}`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    return { code: 'invalid_timestamp', detail: `ts zone ${match[8]} is not a UTC offset` };
  }
  return { ts: ms };
}

/** Days in a month of the proleptic Gregorian calendar (ISO 8601's). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** `readEventTime` as Unix ms, or null for any refusal. */
export function parseEventTime(value: unknown): number | null {
  const time = readEventTime(value);
  return 'ts' in time ? time.ts : null;
}

function invalid(reason: string, message: string, path: string) {
  return new DomainError('VALIDATION', message, { reason, errors: [{ path, message }] });
}
