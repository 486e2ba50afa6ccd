// The facility page's devices: a card each with its newest values, online state and a 24 h
// temperature sparkline that gains the hours beginning after the page loaded.

import { Link } from '@remix-run/react';
import { Badge, Card, SparkAreaChart } from '@tremor/react';
import { CONNECTIVITY } from '~/ui/connectivity';
import { mergeSeries, type SeriesKind, sinceFrom } from '~/ui/live/series';
import { formatDoor, formatHumidity, formatPower } from '~/ui/readings';
import { formatTemperature, inUnit, round1 } from '~/ui/temperature';
import { formatDateTime } from '~/ui/time';
import type { CardDevice, FacilityPageData as Data } from './types';

/** The sparkline's buckets: hourly, as the rollups the loader reads. */
export const HOURLY = { raw: false, bucketMs: 3_600_000 } as const satisfies SeriesKind;

/** The devices' cards, and a link to the device list when the page shows only the first ones. */
export function Devices({ data }: { data: Data }) {
  if (data.devices.length === 0) {
    return (
      <section aria-labelledby="devices-heading">
        <h2 id="devices-heading" className="text-lg font-semibold">
          Devices
        </h2>
        <p className="mt-2 text-sm text-gray-600">No device in this facility yet.</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="devices-heading">
      <h2 id="devices-heading" className="text-lg font-semibold">
        Devices
      </h2>
      <ul className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {data.devices.map((device) => (
          <li key={device.id}>
            <DeviceCard device={device} unit={data.unit} timeZone={data.facility.timeZone} />
          </li>
        ))}
      </ul>
      {data.more ? (
        <p className="mt-4 text-sm">
          <Link to={`/devices?facility=${data.facility.id}`} className="text-blue-700 underline">
            This facility has more devices: see them all in the device list
          </Link>
        </p>
      ) : null}
    </section>
  );
}

function DeviceCard({
  device,
  unit,
  timeZone,
}: {
  device: CardDevice;
  unit: Data['unit'];
  timeZone: string;
}) {
  const state = CONNECTIVITY[device.connectivity];
  const value = (metric: string) => device.latest[metric]?.value ?? null;
  const temperature = value('temperature');
  const sparkline = liveSparkline(device, unit);
  const values = [
    ['Humidity', formatHumidity(value('humidity'))],
    ['Door', formatDoor(value('door'))],
    ['Power', formatPower(value('power'))],
  ] as const;
  return (
    <Card className="h-full" data-testid="device-card" data-connectivity={device.connectivity}>
      <div className="flex items-start justify-between gap-2">
        <h3 className="font-semibold">
          <Link to={`/devices/${device.id}`} className="hover:underline focus-visible:underline">
            {device.name}
          </Link>
        </h3>
        <Badge color={state.color}>{state.label}</Badge>
      </div>
      <div className="mt-3 flex items-end justify-between gap-4">
        <div>
          <p className="text-2xl font-semibold tabular-nums" data-testid="temperature">
            {temperature === null ? (
              <span className="text-base font-normal text-gray-500">No temperature yet</span>
            ) : (
              formatTemperature(temperature, unit)
            )}
          </p>
          <p className="text-xs text-gray-500">Latest temperature</p>
        </div>
        {sparkline.length > 1 ? (
          <figure className="w-32">
            <SparkAreaChart
              data={sparkline}
              index="time"
              categories={['temperature']}
              colors={['blue']}
              className="h-10 w-32"
              autoMinValue
              aria-hidden
            />
            <figcaption className="text-right text-xs text-gray-500">last 24 h</figcaption>
          </figure>
        ) : null}
      </div>
      {sparkline.length > 1 ? (
        <p className="sr-only">
          Last 24 hours:{' '}
          {sparklineSummary(
            sparkline.map((p) => p.temperature),
            unit,
          )}
        </p>
      ) : null}
      <dl className="mt-4 grid grid-cols-3 gap-2 text-sm">
        {values.map(([label, value]) => (
          <div key={label}>
            <dt className="text-gray-500">{label}</dt>
            <dd className="font-medium tabular-nums">{value ?? '—'}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-3 text-xs text-gray-500">
        Last seen: {device.lastSeenAt ? formatDateTime(device.lastSeenAt, timeZone) : 'never'}
      </p>
    </Card>
  );
}

/**
 * The 24 h sparkline with the hours that began after the page loaded (from live readings),
 * still 24 hours wide.
 */
function liveSparkline(device: CardDevice, unit: Data['unit']) {
  const live = (device.arrived?.temperature ?? []).map((p) => ({
    ts: p.ts,
    value: inUnit(p.value, unit),
  }));
  if (live.length === 0) return device.sparkline;
  const server = device.sparkline.map((p) => ({ ts: p.ts, value: p.temperature, count: p.count }));
  const merged = mergeSeries(server, live, HOURLY);
  const newest = merged.at(-1)?.ts ?? 0;
  return sinceFrom(merged, newest + HOURLY.bucketMs - 24 * 3_600_000, HOURLY).map((p) => ({
    ts: p.ts,
    time: new Date(p.ts).toISOString(),
    temperature: round1(p.value),
    count: p.count ?? 1,
  }));
}

/** The chart's content for screen readers: range of the hourly means. */
function sparklineSummary(values: number[], unit: Data['unit']): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return `hourly means between ${lo.toFixed(1)} and ${hi.toFixed(1)} °${unit}`;
}
