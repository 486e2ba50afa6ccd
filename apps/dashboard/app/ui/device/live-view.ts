// Live: the state badge, last seen and latest values follow readings and status events; the
// chart gains the readings of its metric that arrive (a preset range slides, a custom one only
// takes what falls inside it), drawn by the same buildChart as the loader's. What the page
// cannot recompute exactly is re-read: statistics and MKT within SUMMARY_REREAD_MS of a new
// reading, a reading in a bucket the server already summed (or coalesced readings) within
// BUCKET_REREAD_MS, this device's alerts at once (excursion band and list).

import { useMemo } from 'react';
import {
  axisLabel,
  buildChart,
  byImportance,
  formatMetric,
  fullLabel,
  metricDisplay,
} from '~/ui/chart';
import { foldDevice, type LiveDevice } from '~/ui/live/fold';
import { useLiveRefreshOn, useLiveState } from '~/ui/live/live';
import { mergeSeries, placeOf, sinceFrom } from '~/ui/live/series';
import { durationLabel, formatDateTime } from '~/ui/time';
import type { DevicePageData as Data, DeviceHistory as History } from './types';

const SUMMARY_REREAD_MS = 10_000;
const BUCKET_REREAD_MS = 5_000;

/** The loader's data with what arrived live since (the same object while nothing did). */
export function useLiveView(loaded: Data): Data {
  const start = useMemo<LiveDevice>(
    () => ({
      id: loaded.device.id,
      connectivity: loaded.state,
      lastSeenAt: loaded.lastSeenAt,
      latest: Object.fromEntries(
        loaded.latest.map((l) => [l.metric, { value: l.stored, ts: l.ts }]),
      ),
    }),
    [loaded],
  );
  const device = useLiveState(start, foldDevice);
  const { history, metric } = loaded;
  useLiveRefreshOn((event) => {
    if (event.type === 'alert') return event.alert.deviceId === loaded.device.id ? 0 : false;
    if (event.type !== 'readings' || event.deviceId !== loaded.device.id || !history.ok) {
      return false;
    }
    if (event.coalesced) return metric in event.latest ? BUCKET_REREAD_MS : false;
    const points = event.points.filter((p) => p.metric === metric);
    if (points.length === 0) return false;
    const server = serverPoints(history);
    return points.some((p) => placeOf(server, p.ts, history.live.kind) === 'server')
      ? BUCKET_REREAD_MS
      : SUMMARY_REREAD_MS;
  });
  return useMemo(
    () => (device === start ? loaded : liveView(loaded, device)),
    [device, loaded, start],
  );
}

function liveView(loaded: Data, device: LiveDevice): Data {
  const { timeZone, temperatureUnit } = loaded;
  const shown = new Map(loaded.latest.map((l) => [l.metric, l]));
  const latest = Object.entries(device.latest)
    .sort(([a], [b]) => byImportance(a, b))
    .map(([metric, { value, ts }]) => {
      const before = shown.get(metric);
      if (before && before.ts === ts && before.stored === value) return before;
      const display = metricDisplay(metric, temperatureUnit);
      return {
        metric,
        label: display.label,
        value: formatMetric(metric, value, display),
        at: fullLabel(timeZone)(ts),
        stored: value,
        ts,
      };
    });
  const seenChanged = device.lastSeenAt !== loaded.lastSeenAt && device.lastSeenAt !== null;
  const arrived = device.arrived?.[loaded.metric] ?? [];
  return {
    ...loaded,
    state: device.connectivity,
    ...(seenChanged
      ? {
          lastSeen: formatDateTime(device.lastSeenAt, timeZone),
          lastSeenAgo: durationLabel(Date.now() - Date.parse(device.lastSeenAt!)),
        }
      : {}),
    latest,
    metrics: latest.map((l) => ({ metric: l.metric, label: l.label })),
    history:
      loaded.history.ok && arrived.length > 0
        ? liveHistory(loaded, loaded.history, arrived)
        : loaded.history,
  };
}

/** The chart's points as the server sent them (gap rows left out). */
function serverPoints(history: History) {
  return history.chart.rows.flatMap((r) =>
    r.value === null ? [] : [{ ts: r.ts, value: r.value, min: r.low, max: r.high, count: r.count }],
  );
}

/** The history with readings that arrived live: the range slid (preset) and the chart redrawn. */
function liveHistory(
  loaded: Data,
  history: History,
  arrived: readonly { ts: number; value: number }[],
): History {
  const { live } = history;
  const display = metricDisplay(loaded.metric, loaded.temperatureUnit);
  const newest = Math.max(...arrived.map((p) => p.ts));
  const to = live.sliding ? Math.max(history.to, newest) : history.to;
  const from = live.sliding ? to - live.rangeMs : history.from;
  const points = sinceFrom(
    mergeSeries(
      serverPoints(history),
      arrived
        .filter((p) => p.ts >= from && p.ts <= to)
        .map((p) => ({ ts: p.ts, value: display.convert(p.value) })),
      live.kind,
    ),
    from,
    live.kind,
  );
  const chart = buildChart({
    points,
    stepMs: live.stepMs,
    to,
    seriesName: display.label,
    thresholds: live.thresholds,
    excursions: live.excursions,
    label: axisLabel(live.rangeMs, loaded.timeZone),
    fullLabel: fullLabel(loaded.timeZone),
  });
  const when = fullLabel(loaded.timeZone);
  return {
    ...history,
    from,
    to,
    fromLabel: when(from),
    toLabel: when(to),
    chart: chart as History['chart'],
  };
}
