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
  const ts = parseEventTime(r.ts);
  if (ts === null) {
    return {
      code: 'invalid_timestamp',
      detail: 'ts must be an ISO 8601 time with zone, or Unix ms',
    };
  }
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

/** ISO 8601 with a zone (`Z` or `±hh:mm`; any fraction digits) or Unix ms; else null. */
export function parseEventTime(value: unknown): number | null {
  if (typeof value === 'number') {
    // Unix seconds are a common device mistake; 1e11 ms is 1973, 1e11 s is year 5138.
    const ms = value < 1e11 ? value * 1_000 : value;
    return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : null;
  }
  if (typeof value !== 'string') return null;
  const match =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/.exec(
      value,
    );
  if (!match) return null;
  // Date.parse refuses more than 3 fraction digits in some runtimes; Python sends 6.
  const millis = (match[7] ?? '').padEnd(3, '0').slice(0, 3);
  const zone = match[8] === 'Z' ? 'Z' : `${match[8]!.slice(0, 3)}:${match[8]!.slice(-2)}`;
  const iso = `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}.${millis}${zone}`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

function invalid(reason: string, message: string, path: string) {
  return new DomainError('VALIDATION', message, { reason, errors: [{ path, message }] });
}
