// The device page's history: the range picker's query, and the chart built from a readings
// series, the device's effective rule thresholds and its excursion alerts. Pure functions, so
// the loader stays "parse, call the use cases, map" and the mapping is tested on its own. The
// chart and metric formatting live in ~/ui/chart (the browser redraws the chart with live
// points); they are re-exported here for the loader.

import { DomainError, type FieldError, type RuleCondition } from '@anythingiot/core';
import { SEVERITY_RANK, type Severity, type Threshold } from '~/ui/chart';
import { offsetAt } from './zoned-date.server';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The preset ranges of the picker, newest data last. */
export const RANGES = { '1h': HOUR, '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY } as const;
export type RangeKey = keyof typeof RANGES;
export const DEFAULT_RANGE: RangeKey = '24h';

export type HistoryQuery = {
  range: RangeKey | 'custom';
  /** Unix ms. */
  from: number;
  to: number;
};

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The range of `?range=` (a preset ending now) or `?range=custom&from=…&to=…` (datetime-local
 * values, read in the tenant's time zone). Throws VALIDATION naming every bad field.
 */
export function parseHistoryQuery(
  params: URLSearchParams,
  now: number,
  timeZone: string,
): HistoryQuery {
  const range = params.get('range') ?? DEFAULT_RANGE;
  if (Object.hasOwn(RANGES, range)) {
    const width = RANGES[range as RangeKey];
    return { range: range as RangeKey, from: now - width, to: now };
  }
  if (range !== 'custom') {
    throw invalidRange([{ path: 'range', message: 'choose 1 h, 24 h, 7 d, 30 d or custom' }]);
  }
  const errors: FieldError[] = [];
  const read = (field: 'from' | 'to') => {
    const raw = params.get(field)?.trim() ?? '';
    if (raw === '') {
      errors.push({ path: field, message: 'required for a custom range' });
      return undefined;
    }
    const ms = localInputToUtc(raw, timeZone);
    if (ms === undefined) errors.push({ path: field, message: 'not a valid date and time' });
    return ms;
  };
  const from = read('from');
  const to = read('to');
  if (from !== undefined && to !== undefined && from >= to) {
    errors.push({ path: 'from', message: 'must be before the end' });
  }
  if (errors.length > 0 || from === undefined || to === undefined) throw invalidRange(errors);
  return { range: 'custom', from, to };
}

const invalidRange = (errors: FieldError[]) =>
  new DomainError('VALIDATION', 'Check the time range.', { reason: 'invalid_range', errors });

/** `2026-11-23T14:05` in `timeZone` → Unix ms; undefined when it is no real date and time. */
export function localInputToUtc(value: string, timeZone: string): number | undefined {
  const m = LOCAL_INPUT.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((part) => Number(part ?? 0)) as number[];
  const wall = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  // 31 Feb, 25:00 …: Date.UTC rolls over; a real wall time reads back unchanged.
  const back = new Date(wall);
  if (back.getUTCMonth() !== mo! - 1 || back.getUTCDate() !== d! || back.getUTCHours() !== h!) {
    return undefined;
  }
  // The zone's offset at that wall time; a second pass settles the hours around a DST change.
  let utc = wall - offsetAt(wall, timeZone);
  utc = wall - offsetAt(utc, timeZone);
  return utc;
}

/** Unix ms → `2026-11-23T14:05` in `timeZone`, for a datetime-local input. */
export function utcToLocalInput(ms: number, timeZone: string): string {
  // The wall clock there, read through UTC getters.
  return new Date(ms + offsetAt(ms, timeZone)).toISOString().slice(0, 16);
}

export {
  axisLabel,
  BAND_COLOR,
  buildChart,
  byImportance,
  type Chart,
  type ChartRow,
  EXCURSION_SERIES,
  formatMetric,
  fullLabel,
  type HistoryPoint,
  type MetricDisplay,
  markExcursions,
  metricDisplay,
  RESOLUTION_LABEL,
  SERIES_COLOR,
  type Severity,
  type Span,
  stepOf,
  THRESHOLD_COLOR,
  type Threshold,
  yDomain,
} from '~/ui/chart';

/**
 * The lines a chart draws for the device's effective rules: an `above` rule is a maximum, a
 * `below` rule a minimum, an `outside` rule both; door rules have no line. Two rules at the
 * same line count once, with the more severe of them.
 */
export function thresholdsOf(
  rules: readonly { condition: RuleCondition; severity: Severity }[],
  convert: (value: number) => number,
): Threshold[] {
  const lines = new Map<string, Threshold>();
  const add = (kind: Threshold['kind'], raw: number, severity: Severity) => {
    const value = convert(raw);
    const key = `${kind}:${value}`;
    const seen = lines.get(key);
    if (!seen || SEVERITY_RANK[severity] > SEVERITY_RANK[seen.severity]) {
      lines.set(key, { kind, value, severity });
    }
  };
  for (const { condition, severity } of rules) {
    if (condition.kind === 'above') add('max', condition.threshold, severity);
    if (condition.kind === 'below') add('min', condition.threshold, severity);
    if (condition.kind === 'outside') {
      add('max', condition.high, severity);
      add('min', condition.low, severity);
    }
  }
  return [...lines.values()].sort((a, b) => b.value - a.value);
}
