import { can, DomainError } from '@anythingiot/core';
import {
  type Connectivity,
  getTenantPreferences,
  listDeviceStates,
  listFacilities,
} from '@anythingiot/services';
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData } from '@remix-run/react';
import { Badge, TableCell, TableRow } from '@tremor/react';
import { presentDeviceState } from '~/server/device-state.server';
import { guard, requireMember } from '~/server/guard.server';
import { tenantCtx } from '~/server/tenant-ctx.server';
import { CONNECTIVITY, CONNECTIVITY_ORDER } from '~/ui/connectivity';
import { DataTable } from '~/ui/data-table';
import { FilterBar, FilterResults } from '~/ui/filter-bar';
import { Field, SelectField } from '~/ui/form';
import { formatTemperature } from '~/ui/temperature';
import { formatDateTime } from '~/ui/time';

export const meta: MetaFunction = () => [{ title: 'Devices · AnythingIoT' }];

const PAGE = 50;
const MAX_TEXT = 100;

type Filter = {
  facility?: string;
  status?: Connectivity;
  tag?: string;
  q?: string;
  cursor?: string;
};

/** The list's filters from the query string; a value no form offers is a 422 naming it. */
function filterOf(url: URL): Filter {
  const text = (name: string) => {
    const value = url.searchParams.get(name)?.trim();
    if (!value) return undefined;
    if (value.length > MAX_TEXT) {
      throw new DomainError('VALIDATION', 'A filter is too long.', {
        errors: [{ path: name, message: `at most ${MAX_TEXT} characters` }],
      });
    }
    return value;
  };
  const status = text('status');
  if (status !== undefined && !(CONNECTIVITY_ORDER as string[]).includes(status)) {
    throw new DomainError('VALIDATION', `"${status}" is not a device status.`, {
      errors: [{ path: 'status', message: `one of ${CONNECTIVITY_ORDER.join(', ')}` }],
    });
  }
  return {
    facility: text('facility'),
    status: status as Connectivity | undefined,
    tag: text('tag'),
    q: text('q'),
    cursor: text('cursor'),
  };
}

/**
 * The devices the member may see, filtered by facility, status and tag, searched by name; a
 * page at a time. A facility outside a limited member's scope is 404, like everywhere else.
 */
export async function loader(args: LoaderFunctionArgs) {
  const url = new URL(args.request.url);
  const facilityParam = url.searchParams.get('facility')?.trim() || undefined;
  const member = await requireMember(args, 'device.read', facilityParam);
  const ctx = tenantCtx(member);
  const filter = await guard(member, () => filterOf(url));
  const [page, facilities, preferences] = await guard(member, () =>
    Promise.all([
      listDeviceStates({
        ctx,
        input: {
          facilityId: filter.facility,
          connectivity: filter.status,
          tag: filter.tag,
          nameContains: filter.q,
          limit: PAGE,
          cursor: filter.cursor,
        },
      }),
      listFacilities({ ctx }),
      getTenantPreferences({ ctx }),
    ]),
  );
  const facilityNames = new Map(facilities.map((f) => [f.id, f.name]));
  return {
    filter,
    unit: preferences.temperatureUnit,
    timeZone: preferences.timeZone,
    facilities: facilities.map((f) => ({ id: f.id, name: f.name })),
    devices: page.items.map((state) => {
      const device = presentDeviceState(state);
      return {
        ...device,
        facilityName: device.facilityId ? (facilityNames.get(device.facilityId) ?? null) : null,
      };
    }),
    nextCursor: page.nextCursor,
    canRegister: can(member.principal.role, 'device.write'),
  };
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

export default function Devices() {
  const data = useLoaderData<typeof loader>();
  const filtered = Boolean(
    data.filter.facility || data.filter.status || data.filter.tag || data.filter.q,
  );
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-xl font-semibold">Devices</h1>
        {data.canRegister ? (
          <Link
            to="/devices/new"
            className="rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-blue-800"
          >
            Register a device
          </Link>
        ) : null}
      </div>
      <Filters data={data} />
      <FilterResults
        heading="Matching devices"
        count={data.devices.length}
        empty={
          filtered || data.filter.cursor ? 'No device matches these filters.' : 'No device yet.'
        }
        nextCursor={data.nextCursor}
        firstLabel="First page"
        nextLabel="Next page"
      >
        <DeviceTable data={data} />
      </FilterResults>
    </div>
  );
}

/** The filters as the loader read them (a value no form offers never gets this far). */
function Filters({ data }: { data: Data }) {
  const { filter } = data;
  return (
    <FilterBar label="Filter devices" clearTo="/devices" columns={4}>
      <Field
        label="Name contains"
        name="q"
        type="search"
        defaultValue={filter.q ?? ''}
        maxLength={MAX_TEXT}
      />
      <SelectField
        label="Facility"
        name="facility"
        defaultValue={filter.facility ?? ''}
        empty="All facilities"
        choices={data.facilities.map((f) => ({ value: f.id, label: f.name }))}
      />
      <SelectField
        label="Status"
        name="status"
        defaultValue={filter.status ?? ''}
        empty="Any status"
        choices={CONNECTIVITY_ORDER.map((c) => ({ value: c, label: CONNECTIVITY[c].label }))}
      />
      <Field label="Tag" name="tag" defaultValue={filter.tag ?? ''} maxLength={MAX_TEXT} />
    </FilterBar>
  );
}

function DeviceTable({ data }: { data: Data }) {
  return (
    <DataTable
      columns={[
        'Name',
        { label: 'Facility', className: 'hidden sm:table-cell' },
        'Status',
        { label: 'Temperature', className: 'text-right' },
        { label: 'Last seen', className: 'hidden md:table-cell' },
      ]}
    >
      {data.devices.map((d) => (
        <TableRow key={d.id} data-testid="device-row">
          <TableCell className="whitespace-normal">
            <Link
              to={`/devices/${d.id}`}
              className="font-medium text-blue-700 underline-offset-2 hover:underline"
            >
              {d.name}
            </Link>
            {d.tags.length > 0 ? (
              <ul className="mt-1 flex flex-wrap gap-1" aria-label="Tags">
                {d.tags.map((tag) => (
                  <li key={tag}>
                    <Link
                      to={`/devices?tag=${encodeURIComponent(tag)}`}
                      className="rounded bg-gray-100 px-1.5 py-0.5 text-xs text-gray-700 hover:bg-gray-200"
                    >
                      {tag}
                    </Link>
                  </li>
                ))}
              </ul>
            ) : null}
          </TableCell>
          <TableCell className="hidden sm:table-cell">
            {d.facilityId && d.facilityName ? (
              <Link to={`/facilities/${d.facilityId}`} className="hover:underline">
                {d.facilityName}
              </Link>
            ) : (
              <span className="text-gray-400">None</span>
            )}
          </TableCell>
          <TableCell>
            <Badge color={CONNECTIVITY[d.connectivity].color}>
              {CONNECTIVITY[d.connectivity].label}
            </Badge>
          </TableCell>
          <TableCell className="text-right tabular-nums">
            {d.temperature === null ? '—' : formatTemperature(d.temperature, data.unit)}
          </TableCell>
          <TableCell className="hidden md:table-cell">
            {formatDateTime(d.lastSeenAt, data.timeZone)}
          </TableCell>
        </TableRow>
      ))}
    </DataTable>
  );
}
