import { can, DomainError } from '@anythingiot/core';
import {
  type Connectivity,
  getTenantPreferences,
  listDeviceStates,
  listFacilities,
} from '@anythingiot/services';
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, Link, useLoaderData } from '@remix-run/react';
import {
  Badge,
  Card,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeaderCell,
  TableRow,
} from '@tremor/react';
import { presentDeviceState } from '~/server/device-state.server';
import { guard, requireMember } from '~/server/guard.server';
import { tenantCtx } from '~/server/tenant-ctx.server';
import { CONNECTIVITY, CONNECTIVITY_ORDER } from '~/ui/connectivity';
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
      {data.devices.length === 0 ? (
        <p className="text-sm text-gray-600" role="status">
          {filtered || data.filter.cursor ? 'No device matches these filters.' : 'No device yet.'}
        </p>
      ) : (
        <DeviceTable data={data} />
      )}
      <Pager data={data} />
    </div>
  );
}

const SELECT =
  'mt-1 block w-full rounded-md border-gray-300 shadow-sm focus:border-blue-600 focus:ring-blue-600 sm:text-sm';

function Filters({ data }: { data: Data }) {
  const { filter } = data;
  return (
    <Form
      method="get"
      role="search"
      aria-label="Filter devices"
      className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5 lg:items-end"
    >
      <div>
        <label htmlFor="filter-q" className="block text-sm font-medium text-gray-800">
          Name contains
        </label>
        <input
          id="filter-q"
          name="q"
          type="search"
          defaultValue={filter.q ?? ''}
          maxLength={MAX_TEXT}
          className={SELECT}
        />
      </div>
      <div>
        <label htmlFor="filter-facility" className="block text-sm font-medium text-gray-800">
          Facility
        </label>
        <select
          id="filter-facility"
          name="facility"
          defaultValue={filter.facility ?? ''}
          className={SELECT}
        >
          <option value="">All facilities</option>
          {data.facilities.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="filter-status" className="block text-sm font-medium text-gray-800">
          Status
        </label>
        <select
          id="filter-status"
          name="status"
          defaultValue={filter.status ?? ''}
          className={SELECT}
        >
          <option value="">Any status</option>
          {CONNECTIVITY_ORDER.map((c) => (
            <option key={c} value={c}>
              {CONNECTIVITY[c].label}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="filter-tag" className="block text-sm font-medium text-gray-800">
          Tag
        </label>
        <input
          id="filter-tag"
          name="tag"
          defaultValue={filter.tag ?? ''}
          maxLength={MAX_TEXT}
          className={SELECT}
        />
      </div>
      <div className="flex gap-3">
        <button
          type="submit"
          className="rounded-md bg-white px-4 py-2 text-sm font-semibold text-gray-800 shadow-sm ring-1 ring-inset ring-gray-300 hover:bg-gray-50"
        >
          Filter
        </button>
        <Link to="/devices" className="self-center text-sm text-blue-700 underline">
          Clear
        </Link>
      </div>
    </Form>
  );
}

function DeviceTable({ data }: { data: Data }) {
  return (
    <Card className="p-0">
      <Table>
        <TableHead>
          <TableRow>
            <TableHeaderCell>Name</TableHeaderCell>
            <TableHeaderCell className="hidden sm:table-cell">Facility</TableHeaderCell>
            <TableHeaderCell>Status</TableHeaderCell>
            <TableHeaderCell className="text-right">Temperature</TableHeaderCell>
            <TableHeaderCell className="hidden md:table-cell">Last seen</TableHeaderCell>
          </TableRow>
        </TableHead>
        <TableBody>
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
        </TableBody>
      </Table>
    </Card>
  );
}

/** Keyset paging: "next" carries the cursor, "first page" drops it; filters stay. */
function Pager({ data }: { data: Data }) {
  const { cursor: _, ...kept } = data.filter;
  const params = (cursor?: string) => {
    const entries = Object.entries({ ...kept, cursor }).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    );
    const query = new URLSearchParams(entries).toString();
    return query ? `/devices?${query}` : '/devices';
  };
  if (!data.filter.cursor && !data.nextCursor) return null;
  return (
    <nav aria-label="Pages" className="flex gap-6 text-sm">
      {data.filter.cursor ? (
        <Link to={params()} className="text-blue-700 underline">
          First page
        </Link>
      ) : null}
      {data.nextCursor ? (
        <Link to={params(data.nextCursor)} className="text-blue-700 underline">
          Next page
        </Link>
      ) : null}
    </nav>
  );
}
