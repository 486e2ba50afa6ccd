// Live readings folded into what a page shows: the newest value per metric, and a series
// (raw readings or buckets) with the points that arrived after the page loaded. Pure: the
// pages keep the state, test/live-series.test.ts checks the rules.

import type { LiveEvent } from './protocol';

/** A stored value and its event time (Unix ms). */
export type Stamped = { value: number; ts: number };

type ReadingsEvent = Extract<LiveEvent, { type: 'readings' }>;

/**
 * The newest value per metric after a readings event: a metric changes only for a reading at
 * least as new as the one shown (a late, backfilled reading never replaces a newer one).
 * Returns the same object when nothing changed.
 */
export function newerLatest(
  shown: Readonly<Record<string, Stamped>>,
  event: ReadingsEvent,
): Readonly<Record<string, Stamped>> {
  let next: Record<string, Stamped> | null = null;
  for (const [metric, point] of Object.entries(event.latest)) {
    const held = shown[metric];
    if (held && held.ts > point.ts) continue;
    if (held && held.ts === point.ts && held.value === point.value) continue;
    next ??= { ...shown };
    next[metric] = { value: point.value, ts: point.ts };
  }
  return next ?? shown;
}

/** A point of a chart's series in the unit it shows; buckets carry their size. */
export type SeriesPoint = {
  ts: number;
  value: number;
  min?: number;
  max?: number;
  count?: number;
};

/** How the page's series is made: every reading, or buckets of `bucketMs` (UTC-aligned). */
export type SeriesKind = { raw: true } | { raw: false; bucketMs: number };

/** Whether a live reading can be shown on top of the server's series, or needs a re-read. */
export function placeOf(
  server: readonly SeriesPoint[],
  ts: number,
  kind: SeriesKind,
): 'own' | 'server' {
  if (kind.raw) return 'own';
  const last = server.at(-1);
  return last === undefined || bucketOf(ts, kind.bucketMs) > last.ts ? 'own' : 'server';
}

const bucketOf = (ts: number, width: number) => Math.floor(ts / width) * width;

/**
 * The server's series with live readings added (values already in the page's unit).
 *
 * - Raw: a reading is identified by its event time, so one the server already has is not
 *   added twice, and a late reading lands in its place.
 * - Buckets: readings newer than the server's last bucket are folded into buckets of their own
 *   (count, min, max, mean), each reading once. Readings that fall into one of the server's
 *   buckets are left out: whether the server's bucket already counted them cannot be told
 *   here, so the page re-reads instead (placeOf says 'server').
 */
export function mergeSeries(
  server: readonly SeriesPoint[],
  live: readonly { ts: number; value: number }[],
  kind: SeriesKind,
): SeriesPoint[] {
  if (live.length === 0) return [...server];
  if (kind.raw) {
    const byTs = new Map<number, SeriesPoint>();
    for (const p of server) byTs.set(p.ts, p);
    for (const p of live) if (!byTs.has(p.ts)) byTs.set(p.ts, { ts: p.ts, value: p.value });
    return [...byTs.values()].sort((a, b) => a.ts - b.ts);
  }
  const lastServer = server.at(-1)?.ts ?? Number.NEGATIVE_INFINITY;
  const seen = new Set<number>();
  const buckets = new Map<number, { sum: number; count: number; min: number; max: number }>();
  for (const p of live) {
    const bucket = bucketOf(p.ts, kind.bucketMs);
    if (bucket <= lastServer || seen.has(p.ts)) continue;
    seen.add(p.ts);
    const b = buckets.get(bucket);
    if (b) {
      b.sum += p.value;
      b.count++;
      b.min = Math.min(b.min, p.value);
      b.max = Math.max(b.max, p.value);
    } else {
      buckets.set(bucket, { sum: p.value, count: 1, min: p.value, max: p.value });
    }
  }
  const own = [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([ts, b]) => ({ ts, value: b.sum / b.count, min: b.min, max: b.max, count: b.count }));
  return [...server, ...own];
}

/**
 * Keeps a sliding range's window: points (or buckets) that start before `from` are dropped,
 * so a "last 24 h" chart left open stays 24 h wide.
 */
export function sinceFrom(points: readonly SeriesPoint[], from: number, kind: SeriesKind) {
  const start = kind.raw ? from : bucketOf(from, kind.bucketMs);
  return points.filter((p) => p.ts >= start);
}

/** Readings of one metric from a live event, newest last (none when coalesced: no points). */
export function pointsOf(event: ReadingsEvent, metric: string): Stamped[] {
  return event.points.filter((p) => p.metric === metric).map(({ ts, value }) => ({ ts, value }));
}
