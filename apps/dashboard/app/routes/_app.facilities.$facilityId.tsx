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
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { Badge, Card, SparkAreaChart } from '@tremor/react';
import { commandFormData, facilityCommandAction } from '~/server/commands.server';
import { presentDeviceState } from '~/server/device-state.server';
import { formFailure, guard, requireMember, requireMemberIntent } from '~/server/guard.server';
import { tenantCtx } from '~/server/tenant-ctx.server';
import { CONNECTIVITY } from '~/ui/connectivity';
import { FACILITY_TYPE_LABEL, FACILITY_TYPES } from '~/ui/facility';
import { FacilityCommands } from '~/ui/facility-commands';
import { Field, FormError, SelectField, Submit } from '~/ui/form';
import { foldDevices, type LiveDevice } from '~/ui/live/fold';
import { type LiveHandle, liveClientLoader, useLiveRefreshOn, useLiveState } from '~/ui/live/live';
import { mergeSeries, placeOf, type SeriesKind, sinceFrom } from '~/ui/live/series';
import { formatDoor, formatHumidity, formatPower } from '~/ui/readings';
import { formatTemperature, inUnit } from '~/ui/temperature';
import { formatDateTime } from '~/ui/time';
import { TimeZoneField } from '~/ui/time-zone-field';

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

const round1 = (n: number) => Math.round(n * 10) / 10;

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
const HOURLY = { raw: false, bucketMs: 3_600_000 } as const satisfies SeriesKind;

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
/** A device card's data: the loader's, and the readings that arrived live. */
type CardDevice = Data['devices'][number] & Pick<LiveDevice, 'arrived'>;

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

function Devices({ data }: { data: Data }) {
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

const EDIT_FIELDS = ['name', 'type', 'address', 'timeZone'] as const;

function EditFacility({ facility }: { facility: Data['facility'] }) {
  const result = useActionData<typeof action>();
  const problem = result?.problem;
  return (
    <section aria-labelledby="edit-facility" className="max-w-xl">
      <h2 id="edit-facility" className="text-lg font-semibold">
        Edit facility
      </h2>
      <Form method="post" className="mt-4 space-y-4" noValidate>
        <FormError problem={problem} fields={EDIT_FIELDS} />
        {result && 'saved' in result ? (
          <p role="status" className="rounded-md bg-emerald-50 p-3 text-sm text-emerald-900">
            Saved.
          </p>
        ) : null}
        <Field
          label="Name"
          name="name"
          defaultValue={facility.name}
          required
          maxLength={120}
          problem={problem}
        />
        <SelectField label="Type" name="type" defaultValue={facility.type} problem={problem}>
          {FACILITY_TYPES.map((type) => (
            <option key={type} value={type}>
              {FACILITY_TYPE_LABEL[type]}
            </option>
          ))}
        </SelectField>
        <Field
          label="Address"
          name="address"
          defaultValue={facility.address}
          autoComplete="street-address"
          maxLength={500}
          problem={problem}
        />
        <TimeZoneField problem={problem} defaultValue={facility.timeZone} />
        <Submit intent="update">Save changes</Submit>
      </Form>
    </section>
  );
}
