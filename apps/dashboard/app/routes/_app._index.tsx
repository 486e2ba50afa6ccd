import { can } from '@anythingiot/core';
import { getOverview } from '@anythingiot/services';
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData } from '@remix-run/react';
import { Badge, Card } from '@tremor/react';
import { guard, requireMember } from '~/server/guard.server';
import { tenantCtx } from '~/server/tenant-ctx.server';
import { SeverityBadge } from '~/ui/alert-badges';
import {
  ALL_FACILITIES,
  type LiveHandle,
  liveClientLoader,
  useLiveRefreshOn,
} from '~/ui/live/live';
import { formatTemperatureRange } from '~/ui/temperature';
import { formatDateTime } from '~/ui/time';

export const meta: MetaFunction = () => [{ title: 'Overview · AnythingIoT' }];

/** How many unacknowledged alerts the overview lists; the alerts center has the rest. */
const ALERT_LIMIT = 20;

export async function loader(args: LoaderFunctionArgs) {
  const member = await requireMember(args, 'facility.read');
  const { role } = member.principal;
  const overview = await guard(member, () =>
    getOverview({ ctx: tenantCtx(member), input: { alertLimit: ALERT_LIMIT } }),
  );
  const facilityNames = new Map(
    overview.tiles.flatMap((t) => (t.facility ? [[t.facility.id, t.facility.name]] : [])),
  );
  return {
    unit: overview.temperatureUnit,
    timeZone: overview.timeZone,
    canCreateFacility: can(role, 'facility.write'),
    canRegisterDevice: can(role, 'device.write'),
    tiles: overview.tiles,
    activeAlerts: overview.activeAlerts.map((a) => ({
      id: a.id,
      title: a.title,
      severity: a.severity,
      facility: a.facilityId ? (facilityNames.get(a.facilityId) ?? null) : null,
      raisedAt: a.raisedAt.toISOString(),
      retrospective: a.retrospective,
    })),
    moreActiveAlerts: overview.moreActiveAlerts,
  };
}

// Live: the tiles are aggregates the server computes (temperature range over each device's
// latest value, online/offline by the offline rule, colour by the worst unacknowledged alert),
// so events re-read the overview rather than recompute it here: alerts and online/offline at
// once, readings within five seconds (a burst of them re-reads once).
export const handle: LiveHandle = { live: () => ALL_FACILITIES };
export const clientLoader = liveClientLoader(handle.live);
const REREAD_AFTER_READINGS_MS = 5_000;

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

export default function Overview() {
  const data = useLoaderData<typeof loader>();
  useLiveRefreshOn((event) =>
    event.type === 'readings'
      ? REREAD_AFTER_READINGS_MS
      : event.type === 'alert' || event.type === 'device_status'
        ? 0
        : false,
  );
  const empty = data.tiles.length === 0;
  return (
    <div className="space-y-8">
      <h1 className="text-xl font-semibold">Overview</h1>
      {empty ? (
        <EmptyState data={data} />
      ) : (
        <section aria-labelledby="facilities-heading">
          <h2 id="facilities-heading" className="sr-only">
            Facilities
          </h2>
          <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {data.tiles.map((tile) => (
              <li key={tile.facility?.id ?? 'none'}>
                <FacilityTile tile={tile} unit={data.unit} />
              </li>
            ))}
          </ul>
        </section>
      )}
      <ActiveAlerts data={data} />
    </div>
  );
}

// The colour is never the only signal: each state also has its words (the badge).
const TILE_STATE = {
  critical: { color: 'red', label: 'Critical alert', tint: 'bg-red-50' },
  warning: { color: 'amber', label: 'Warning', tint: 'bg-amber-50' },
  info: { color: 'blue', label: 'Information', tint: '' },
  none: { color: 'emerald', label: 'All clear', tint: '' },
} as const;

function FacilityTile({ tile, unit }: { tile: Data['tiles'][number]; unit: Data['unit'] }) {
  const state = TILE_STATE[tile.worstActiveSeverity ?? 'none'];
  const range = formatTemperatureRange(
    tile.devices.minTemperature,
    tile.devices.maxTemperature,
    unit,
  );
  const name = tile.facility?.name ?? 'Devices without a facility';
  const href = tile.facility ? `/facilities/${tile.facility.id}` : '/devices';
  return (
    <Card
      decoration="left"
      decorationColor={state.color}
      className={`h-full ${state.tint}`}
      data-testid="facility-tile"
      data-state={tile.worstActiveSeverity ?? 'none'}
    >
      <div className="flex items-start justify-between gap-2">
        <h3 className="font-semibold text-gray-900">
          <Link to={href} className="hover:underline focus-visible:underline">
            {name}
          </Link>
        </h3>
        <Badge color={state.color}>{state.label}</Badge>
      </div>
      <p className="mt-3 text-2xl font-semibold tabular-nums text-gray-900">
        {range ?? <span className="text-base font-normal text-gray-500">No temperature yet</span>}
      </p>
      <p className="text-xs text-gray-500">Current temperature range</p>
      <dl className="mt-4 grid grid-cols-3 gap-2 text-sm">
        <div>
          <dt className="text-gray-500">Online</dt>
          <dd className="font-medium tabular-nums">{tile.devices.online}</dd>
        </div>
        <div>
          <dt className="text-gray-500">Offline</dt>
          <dd
            className={`font-medium tabular-nums ${tile.devices.offline > 0 ? 'text-red-700' : ''}`}
          >
            {tile.devices.offline}
          </dd>
        </div>
        <div>
          <dt className="text-gray-500">Alerts</dt>
          <dd className="font-medium tabular-nums">
            {tile.activeAlerts}
            {tile.acknowledgedAlerts > 0 ? (
              <span className="font-normal text-gray-500"> (+{tile.acknowledgedAlerts} ack.)</span>
            ) : null}
          </dd>
        </div>
      </dl>
      {tile.devices.neverReported > 0 ? (
        <p className="mt-2 text-xs text-gray-500">{tile.devices.neverReported} not reporting yet</p>
      ) : null}
    </Card>
  );
}

function ActiveAlerts({ data }: { data: Data }) {
  return (
    <section aria-labelledby="active-alerts-heading">
      <div className="flex items-baseline justify-between gap-4">
        <h2 id="active-alerts-heading" className="text-lg font-semibold">
          Active alerts
        </h2>
        <Link to="/alerts?status=active" className="text-sm text-blue-700 underline">
          {data.moreActiveAlerts ? 'See all active alerts' : 'Alerts center'}
        </Link>
      </div>
      {data.activeAlerts.length === 0 ? (
        <p className="mt-2 text-sm text-gray-600">No active alerts. Everything is within limits.</p>
      ) : (
        <ul className="mt-3 divide-y divide-gray-200 rounded-lg bg-white shadow-sm ring-1 ring-gray-200">
          {data.activeAlerts.map((alert) => (
            <li key={alert.id} className="flex flex-col gap-1 p-3 sm:flex-row sm:items-center">
              <SeverityBadge severity={alert.severity} className="w-fit" />
              <Link
                to={`/alerts/${alert.id}`}
                className="font-medium text-blue-800 hover:underline sm:ml-3 sm:flex-1"
              >
                {alert.title}
              </Link>
              <span className="text-sm text-gray-500">
                {alert.facility ?? 'No facility'} · raised{' '}
                <time dateTime={alert.raisedAt}>
                  {formatDateTime(alert.raisedAt, data.timeZone)}
                </time>
                {alert.retrospective ? ' · found in late data' : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function EmptyState({ data }: { data: Data }) {
  return (
    <Card className="max-w-xl">
      <h2 className="text-lg font-semibold">Nothing to watch yet</h2>
      <p className="mt-2 text-sm text-gray-600">
        Your company has no facilities or devices. Add a facility (a cold room, a warehouse, a
        truck), then register the devices that measure it.
      </p>
      {data.canCreateFacility || data.canRegisterDevice ? (
        <div className="mt-4 flex flex-wrap gap-3">
          {data.canCreateFacility ? (
            <Link
              to="/facilities#create-facility"
              className="rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white hover:bg-blue-800"
            >
              Create a facility
            </Link>
          ) : null}
          {data.canRegisterDevice ? (
            <Link
              to="/devices/new"
              className="rounded-md bg-white px-4 py-2 text-sm font-semibold text-gray-800 ring-1 ring-inset ring-gray-300 hover:bg-gray-50"
            >
              Register a device
            </Link>
          ) : null}
        </div>
      ) : (
        <p className="mt-4 text-sm text-gray-600">
          Ask an administrator of your company to add facilities and devices.
        </p>
      )}
    </Card>
  );
}
