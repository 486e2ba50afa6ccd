// A facility's page: its devices live (~/ui/facility-page/device-cards), the bulk command
// (~/ui/facility-commands) and the details form (~/ui/facility-page/edit-facility).

import { type Action, can } from '@anythingiot/core';
import {
  getFacility,
  getFacilityReadings,
  getTenantPreferences,
  listDeviceStates,
  updateFacility,
} from '@anythingiot/services';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { json } from '@remix-run/cloudflare';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { commandFormData, facilityCommandAction } from '~/server/commands.server';
import { presentDeviceState } from '~/server/device-state.server';
import { formFailure, guard, requireMember, requireMemberIntent } from '~/server/guard.server';
import { tenantCtx } from '~/server/tenant-ctx.server';
import { FACILITY_TYPE_LABEL } from '~/ui/facility';
import { FacilityCommands } from '~/ui/facility-commands';
import { Devices, HOURLY } from '~/ui/facility-page/device-cards';
import { EditFacility } from '~/ui/facility-page/edit-facility';
import { foldDevices } from '~/ui/live/fold';
import { type LiveHandle, liveClientLoader, useLiveRefreshOn, useLiveState } from '~/ui/live/live';
import { placeOf } from '~/ui/live/series';
import { inUnit, round1 } from '~/ui/temperature';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.facility.name ?? 'Facility'} · AnythingIoT` },
];

/** Devices shown on one facility page; the device list pages through the rest. */
const PAGE = 60;
const DAY_MS = 24 * 3_600_000;

/**
 * A facility the member may see, its devices with their newest values and a 24 h temperature
 * sparkline each (hourly buckets from the rollups). Another tenant's facility, or one outside a
 * limited member's facilities, is 404.
 */
export async function loader(args: LoaderFunctionArgs) {
  const id = args.params.facilityId ?? '';
  const member = await requireMember(args, 'facility.read', id);
  const ctx = tenantCtx(member);
  const facility = await guard(member, () => getFacility({ ctx, input: { id } }));
  const [page, preferences] = await guard(member, () =>
    Promise.all([
      listDeviceStates({ ctx, input: { facilityId: id, limit: PAGE } }),
      getTenantPreferences({ ctx }),
    ]),
  );
  const to = new Date(ctx.ports.now());
  const from = new Date(to.getTime() - DAY_MS);
  const unit = preferences.temperatureUnit;
  // Every sparkline in one statement (devices that never sent a temperature have none).
  const readings = await guard(member, () =>
    getFacilityReadings({
      ctx,
      input: {
        facilityId: id,
        deviceIds: page.items
          .filter((state) => state.latest.temperature !== undefined)
          .map((state) => state.device.id),
        metric: 'temperature',
        from,
        to,
        resolution: '1h',
      },
    }),
  );
  const sparklines = new Map(readings.series.map((s) => [s.deviceId, s.points]));
  const devices = page.items.map((state) => ({
    ...presentDeviceState(state),
    /** Newest value and event time per metric, so live readings replace only older ones. */
    latest: Object.fromEntries(
      Object.entries(state.latest).map(([metric, l]) => [
        metric,
        { value: l.value, ts: l.ts.getTime() },
      ]),
    ),
    sparkline: (sparklines.get(state.device.id) ?? []).map((p) => ({
      ts: p.ts.getTime(),
      time: p.ts.toISOString(),
      temperature: 'mean' in p ? round1(inUnit(p.mean, unit)) : round1(inUnit(p.value, unit)),
      /** Readings in the hour, so live readings can start an hour of their own. */
      count: 'count' in p ? p.count : 1,
    })),
  }));
  const { role } = member.principal;
  return {
    facility: {
      id: facility.id,
      name: facility.name,
      type: facility.type,
      address: facility.address,
      timeZone: facility.timeZone,
    },
    unit,
    devices,
    more: page.nextCursor !== null,
    canWrite: can(role, 'facility.write'),
    canRegister: can(role, 'device.write'),
    /** The bulk command form, for members who may command devices. */
    commandForm: can(role, 'device.command') ? commandFormData() : null,
  };
}

/** Each form of the page and the permission it needs in this facility. */
const INTENTS = {
  update: 'facility.write',
  'command-review': 'device.command',
  'command-send': 'device.command',
} as const satisfies Record<string, Action>;

/**
 * Edits the facility (owners and admins); the page shows the saved values after. The command
 * intents (review, then send to every active device) are for members who may command devices.
 */
export async function action(args: ActionFunctionArgs) {
  const id = args.params.facilityId ?? '';
  const { member, form, intent } = await requireMemberIntent(args, 'facility.read', INTENTS, id);
  if (intent !== 'update') return facilityCommandAction(member, id, intent, form);
  try {
    await updateFacility({
      ctx: tenantCtx(member),
      input: {
        id,
        patch: {
          name: String(form.get('name') ?? ''),
          type: String(form.get('type') ?? ''),
          address: String(form.get('address') ?? ''),
          timeZone: String(form.get('timeZone') ?? ''),
        },
      },
    });
    return json({ saved: true as const, problem: null });
  } catch (err) {
    return formFailure(err, member.app);
  }
}

// Live: each card's newest values, last seen and online state change as readings and status
// events arrive; a sparkline gains the hours that begin after the page loaded. A reading in
// an hour the server already summed (or a device the page does not list yet) re-reads the
// page instead, within REREAD_MS.
export const handle: LiveHandle = {
  live: (params) => ({ facilityIds: [params.facilityId ?? ''], deviceIds: [] }),
};
export const clientLoader = liveClientLoader(handle.live);
const REREAD_MS = 15_000;

export default function FacilityPage() {
  const loaded = useLoaderData<typeof loader>();
  const devices = useLiveState(loaded.devices, foldDevices);
  const data = { ...loaded, devices };
  const { facility } = data;
  useLiveRefreshOn((event) => {
    if (event.type !== 'readings' || event.facilityId !== facility.id) return false;
    const device = loaded.devices.find((d) => d.id === event.deviceId);
    if (!device) return loaded.more ? false : 2_000;
    const temperatures = event.points.filter((p) => p.metric === 'temperature');
    const sparkline = device.sparkline.map((p) => ({ ts: p.ts, value: p.temperature }));
    const missed = temperatures.some((p) => placeOf(sparkline, p.ts, HOURLY) === 'server');
    return missed || (event.coalesced && 'temperature' in event.latest) ? REREAD_MS : false;
  });
  const [search] = useSearchParams();
  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <p className="text-sm">
            <Link to="/facilities" className="text-blue-700 underline">
              Facilities
            </Link>
          </p>
          <h1 className="mt-1 text-xl font-semibold">{facility.name}</h1>
          <p className="text-sm text-gray-600">
            {FACILITY_TYPE_LABEL[facility.type]} · {facility.timeZone}
            {facility.address ? ` · ${facility.address}` : ''}
          </p>
        </div>
        {data.canRegister ? (
          <Link
            to={`/devices/new?facilityId=${facility.id}`}
            className="rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-blue-800"
          >
            Register a device here
          </Link>
        ) : null}
      </div>
      {search.get('created') ? (
        <p role="status" className="rounded-md bg-emerald-50 p-3 text-sm text-emerald-900">
          Facility created. Register its devices next.
        </p>
      ) : null}
      <Devices data={data} />
      {data.commandForm ? (
        <FacilityCommands facilityName={facility.name} form={data.commandForm} />
      ) : null}
      {data.canWrite ? <EditFacility facility={facility} /> : null}
    </div>
  );
}
