// The device page's history card, server side: the chart of a metric over the picked range,
// with the device's effective rule thresholds and its excursion alerts shaded, the range's
// statistics and what the browser needs to redraw the chart as readings arrive live.

import { resolveRulesForDevice } from '@anythingiot/core';
import type { Device } from '@anythingiot/db';
import { getReadings, listAlertRules, listAlerts, type TenantCtx } from '@anythingiot/services';
import {
  axisLabel,
  buildChart,
  type Chart,
  fullLabel,
  metricDisplay,
  RESOLUTION_LABEL,
  stepOf,
} from '~/ui/chart';
import type { SeriesKind } from '~/ui/live/series';
import { durationLabel } from '~/ui/time';
import { type HistoryQuery, thresholdsOf } from './device-history.server';

/** Alerts listed (and shaded) per range: more than a chart can show apart. */
const EXCURSION_LIMIT = 100;

/** The chart, its thresholds and excursions, and the range's statistics. */
export async function loadHistory(
  ctx: TenantCtx,
  device: Device,
  metric: string,
  query: HistoryQuery,
  prefs: { timeZone: string; temperatureUnit: 'C' | 'F' },
) {
  const display = metricDisplay(metric, prefs.temperatureUnit);
  const [series, rules, alerts] = await Promise.all([
    getReadings({
      ctx,
      input: {
        id: device.id,
        metric,
        from: new Date(query.from),
        to: new Date(query.to),
        resolution: 'auto',
      },
    }),
    listAlertRules({ ctx, input: { metric } }),
    listAlerts({
      ctx,
      input: {
        deviceId: device.id,
        kind: 'excursion',
        metric,
        during: { from: new Date(query.from), to: new Date(query.to) },
        limit: EXCURSION_LIMIT,
      },
    }),
  ]);
  const effective = resolveRulesForDevice(rules, { id: device.id, facilityId: device.facilityId });
  const thresholds = thresholdsOf(effective, display.convert).map((t) => ({
    ...t,
    name: `${t.kind === 'max' ? 'Max' : 'Min'} ${t.value.toFixed(display.decimals)} ${display.unit}`.trim(),
  }));
  const rangeMs = query.to - query.from;
  const excursions = alerts.items.map((a) => ({
    start: a.startedAt.getTime(),
    end: a.endedAt?.getTime() ?? null,
  }));
  const chart: Chart = buildChart({
    points: series.points.map((p) =>
      'value' in p
        ? { ts: p.ts.getTime(), value: display.convert(p.value) }
        : {
            ts: p.ts.getTime(),
            value: display.convert(p.mean),
            min: display.convert(p.min),
            max: display.convert(p.max),
            count: p.count,
          },
    ),
    stepMs: stepOf(series.resolution, device.expectedIntervalSeconds),
    to: query.to,
    seriesName: display.label,
    thresholds,
    excursions,
    label: axisLabel(rangeMs, prefs.timeZone),
    fullLabel: fullLabel(prefs.timeZone),
  });
  const s = series.summary;
  const when = dateLabel(prefs.timeZone);
  const fmt = (v: number) => formatSummaryValue(metric, v, display);
  return {
    from: query.from,
    to: query.to,
    fromLabel: when(query.from),
    toLabel: when(query.to),
    resolution: series.resolution,
    resolutionLabel: RESOLUTION_LABEL[series.resolution],
    truncated: series.truncated,
    chart,
    thresholds: thresholds.map((t) => ({ name: t.name, kind: t.kind, severity: t.severity })),
    /** What the page needs to redraw the chart with live readings (see liveHistory). */
    live: {
      kind: (series.resolution === 'raw'
        ? { raw: true }
        : {
            raw: false,
            bucketMs: stepOf(series.resolution, device.expectedIntervalSeconds),
          }) satisfies SeriesKind as SeriesKind,
      /** A preset range ends now: it slides as readings arrive. A custom one stays put. */
      sliding: query.range !== 'custom',
      rangeMs,
      stepMs: stepOf(series.resolution, device.expectedIntervalSeconds),
      thresholds,
      excursions,
    },
    summary: s
      ? {
          count: s.count,
          min: fmt(s.min),
          max: fmt(s.max),
          mean: fmt(s.mean),
          mkt: s.mkt === null ? null : fmt(s.mkt),
        }
      : null,
    excursions: alerts.items.map((a) => ({
      id: a.id,
      title: a.title,
      severity: a.severity,
      status: a.status,
      start: when(a.startedAt),
      end: a.endedAt ? when(a.endedAt) : null,
      duration: durationLabel((a.endedAt?.getTime() ?? query.to) - a.startedAt.getTime()),
      peak: a.peak === null ? null : fmt(a.peak),
    })),
  };
}

/** Door statistics are shares of time open; everything else in the metric's unit. */
function formatSummaryValue(
  metric: string,
  value: number,
  display: ReturnType<typeof metricDisplay>,
) {
  if (metric === 'door') return `${Math.round(value * 100)} % open`;
  const shown = display.convert(value).toFixed(display.decimals);
  return display.unit ? `${shown} ${display.unit}` : shown;
}

/** Dates (Date or Unix ms) as the page shows them: "23 Nov 2026, 14:05" in the tenant's zone. */
export function dateLabel(timeZone: string) {
  const format = fullLabel(timeZone);
  return (at: Date | number) => format(typeof at === 'number' ? at : at.getTime());
}
