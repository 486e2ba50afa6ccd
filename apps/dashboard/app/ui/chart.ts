// The device chart and how metrics read, as pure functions the server (the device page's
// loader) and the browser (live points appended to the chart) share. No server imports here:
// the browser bundle includes this file.

import type { Resolution } from '@anythingiot/core';
import { dateTimeFormat } from './time';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// --- Thresholds -------------------------------------------------------------------------------

export type Severity = 'info' | 'warning' | 'critical';
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export type Threshold = {
  /** `max`: readings above it violate; `min`: readings below it. */
  kind: 'max' | 'min';
  /** In the unit the chart shows. */
  value: number;
  severity: Severity;
};

// --- Chart ------------------------------------------------------------------------------------

/**
 * One point of a series as the use case gives it: a reading, or a bucket's aggregate (with
 * how many readings it holds, so live readings can be folded into a bucket of their own).
 */
export type HistoryPoint = {
  ts: number;
  value: number;
  min?: number;
  max?: number;
  count?: number;
};

/** An excursion to shade: event-time start and end (null while ongoing). */
export type Span = { start: number; end: number | null };

export type ChartRow = {
  /** Unix ms of the reading or bucket (of a gap: where it starts). */
  ts: number;
  /** The x-axis label (tenant time zone). */
  time: string;
  /** The tooltip's full date and time. */
  at: string;
  /** The reading, or the bucket's mean; null where the device sent nothing (a gap). */
  value: number | null;
  /** The bucket's extremes and size. */
  low?: number;
  high?: number;
  count?: number;
  /** True inside an excursion. */
  excursion: boolean;
  [series: string]: string | number | boolean | null | undefined | [number, number];
};

export type Chart = {
  rows: ChartRow[];
  /** Tremor categories, drawing order: the excursion band first (behind), then the series. */
  categories: string[];
  colors: string[];
  minValue: number;
  maxValue: number;
};

export const EXCURSION_SERIES = 'Excursion';
/** Tremor colours; the page's stylesheet dashes the threshold lines and softens the band. */
export const SERIES_COLOR = 'blue';
export const BAND_COLOR = 'orange';
export const THRESHOLD_COLOR: Record<Severity, string> = {
  critical: 'red',
  warning: 'amber',
  info: 'violet',
};

/**
 * Chart rows for Tremor: the series (with a break where the device was silent for more than
 * three steps), a constant line per threshold, and a band spanning the whole height wherever
 * an excursion was under way. Tremor's x axis is categorical, so everything is per row.
 */
export function buildChart(input: {
  points: readonly HistoryPoint[];
  /** The spacing the series should have: the bucket width, or the device's interval. */
  stepMs: number;
  /** The range's end, for an excursion still under way. */
  to: number;
  seriesName: string;
  thresholds: readonly (Threshold & { name: string })[];
  excursions: readonly Span[];
  label: (ts: number) => string;
  fullLabel: (ts: number) => string;
}): Chart {
  const { points, stepMs, thresholds } = input;
  const inExcursion = markExcursions(points, input.excursions, stepMs, input.to);
  const { minValue, maxValue } = yDomain(
    points.flatMap((p) => [p.value]),
    thresholds.map((t) => t.value),
  );
  const band: [number, number] = [minValue, maxValue];
  const lines = Object.fromEntries(thresholds.map((t) => [t.name, [t.value, t.value]]));
  const rows: ChartRow[] = [];
  points.forEach((p, i) => {
    const previous = points[i - 1];
    if (previous && p.ts - previous.ts > 3 * stepMs) {
      const both = inExcursion[i - 1]! && inExcursion[i]!;
      rows.push({
        ts: previous.ts + stepMs,
        time: '',
        at: `${input.fullLabel(previous.ts)} – ${input.fullLabel(p.ts)}: no data`,
        value: null,
        excursion: both,
        ...lines,
        [input.seriesName]: null,
        ...(both ? { [EXCURSION_SERIES]: band } : {}),
      });
    }
    const row: ChartRow = {
      ts: p.ts,
      time: input.label(p.ts),
      at: input.fullLabel(p.ts),
      value: p.value,
      excursion: inExcursion[i]!,
      ...lines,
      [input.seriesName]: p.value,
      [EXCURSION_SERIES]: inExcursion[i] ? band : null,
    };
    if (p.min !== undefined) row.low = p.min;
    if (p.max !== undefined) row.high = p.max;
    if (p.count !== undefined) row.count = p.count;
    rows.push(row);
  });
  const anyBand = inExcursion.some(Boolean);
  return {
    rows,
    categories: [
      ...(anyBand ? [EXCURSION_SERIES] : []),
      input.seriesName,
      ...thresholds.map((t) => t.name),
    ],
    colors: [
      ...(anyBand ? [BAND_COLOR] : []),
      SERIES_COLOR,
      ...thresholds.map((t) => THRESHOLD_COLOR[t.severity]),
    ],
    minValue,
    maxValue,
  };
}

/**
 * Which points the band covers: both ends of every stretch between two points that overlaps an
 * excursion (the last point stands for one step), so an excursion shorter than the spacing
 * still shows as one stretch and a longer one starts and ends at the nearest points.
 */
export function markExcursions(
  points: readonly { ts: number }[],
  spans: readonly Span[],
  stepMs: number,
  to: number,
): boolean[] {
  const marked = points.map(() => false);
  if (spans.length === 0) return marked;
  points.forEach((p, i) => {
    const next = points[i + 1]?.ts ?? p.ts + stepMs;
    const overlaps = spans.some((s) => p.ts < (s.end ?? to) && next > s.start);
    if (overlaps) {
      marked[i] = true;
      if (i + 1 < points.length) marked[i + 1] = true;
    }
  });
  return marked;
}

/**
 * A y axis holding every value and threshold with a little air, on round numbers so the
 * chart's own tick rounding does not move the ends (the band must reach both).
 */
export function yDomain(
  values: readonly number[],
  thresholds: readonly number[],
): { minValue: number; maxValue: number } {
  const all = [...values, ...thresholds];
  if (all.length === 0) return { minValue: 0, maxValue: 1 };
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  const pad = Math.max((hi - lo) * 0.08, Math.abs(hi) * 0.02, 0.5);
  lo -= pad;
  hi += pad;
  const rough = (hi - lo) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((f) => f * magnitude >= rough) ?? 10) * magnitude;
  return {
    minValue: round(Math.floor(lo / step) * step),
    maxValue: round(Math.ceil(hi / step) * step),
  };
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** Milliseconds per point of a resolution; raw readings are as far apart as the device posts. */
export function stepOf(resolution: Resolution, expectedIntervalSeconds: number): number {
  const widths: Record<Exclude<Resolution, 'raw'>, number> = {
    '1m': 60_000,
    '5m': 300_000,
    '1h': HOUR,
    '1d': DAY,
  };
  return resolution === 'raw' ? expectedIntervalSeconds * 1_000 : widths[resolution];
}

/** What the chart's points are, in words. */
export const RESOLUTION_LABEL: Record<Resolution, string> = {
  raw: 'every reading',
  '1m': '1-minute means',
  '5m': '5-minute means',
  '1h': 'hourly means',
  '1d': 'daily means',
};

/** Axis labels that fit the range: times for a day, weekday and time for a week, else dates. */
export function axisLabel(rangeMs: number, timeZone: string): (ts: number) => string {
  const options: Intl.DateTimeFormatOptions =
    rangeMs <= 36 * HOUR
      ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
      : rangeMs <= 10 * DAY
        ? { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
        : { day: 'numeric', month: 'short' };
  const format = new Intl.DateTimeFormat('en-GB', { timeZone, ...options });
  return (ts) => format.format(new Date(ts));
}

/** "23 Nov 2026, 14:05" in the tenant's zone. */
export function fullLabel(timeZone: string): (ts: number) => string {
  const format = dateTimeFormat(timeZone);
  return (ts) => format.format(new Date(ts));
}

// --- Metrics ----------------------------------------------------------------------------------

/** How a metric reads on the page: its name, the unit shown and how values convert to it. */
export type MetricDisplay = {
  label: string;
  unit: string;
  decimals: number;
  convert: (value: number) => number;
};

const same = (value: number) => value;
const METRICS: Record<string, Omit<MetricDisplay, 'convert'>> = {
  humidity: { label: 'Humidity', unit: '%RH', decimals: 1 },
  door: { label: 'Door', unit: '', decimals: 2 },
  power: { label: 'Power', unit: 'W', decimals: 0 },
  battery: { label: 'Battery', unit: '%', decimals: 0 },
  rssi: { label: 'Signal', unit: 'dBm', decimals: 0 },
};

/** Metrics in the order people look for them; custom ones after, by name. */
export function byImportance(a: string, b: string): number {
  const order = ['temperature', ...Object.keys(METRICS)];
  const rank = (m: string) => (order.includes(m) ? order.indexOf(m) : order.length);
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** Temperatures in the tenant's unit (stored in °C); the other metrics as stored. */
export function metricDisplay(metric: string, temperatureUnit: 'C' | 'F'): MetricDisplay {
  if (metric === 'temperature') {
    return {
      label: 'Temperature',
      unit: `°${temperatureUnit}`,
      decimals: 1,
      convert: temperatureUnit === 'F' ? (c) => (c * 9) / 5 + 32 : same,
    };
  }
  const known = Object.hasOwn(METRICS, metric) ? METRICS[metric] : undefined;
  if (known) return { ...known, convert: same };
  const words = metric.replaceAll('_', ' ');
  return {
    label: words.charAt(0).toUpperCase() + words.slice(1),
    unit: '',
    decimals: 2,
    convert: same,
  };
}

/** A stored value as the page shows it ("4.2 °C", "Open"). */
export function formatMetric(metric: string, value: number, display: MetricDisplay): string {
  if (metric === 'door') return value >= 0.5 ? 'Open' : 'Closed';
  const shown = display.convert(value).toFixed(display.decimals);
  return display.unit ? `${shown} ${display.unit}` : shown;
}
