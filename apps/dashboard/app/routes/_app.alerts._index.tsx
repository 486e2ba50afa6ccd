import type { Problem } from '@anythingiot/accounts';
import {
  getTenantPreferences,
  listAlerts,
  listDevices,
  listFacilities,
} from '@anythingiot/services';
import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData } from '@remix-run/react';
import { TableCell, TableRow } from '@tremor/react';
import { z } from 'zod';
import { blankIsAbsent, cursorParam, dayParam, listPage, listQuery } from '~/server/filters.server';
import { guard, requireMember } from '~/server/guard.server';
import { tenantCtx } from '~/server/tenant-ctx.server';
import { AlertStatusBadge, SeverityBadge } from '~/ui/alert-badges';
import { SEVERITY_LABEL, STATUS_LABEL } from '~/ui/alerts';
import { DataTable } from '~/ui/data-table';
import { DayRangeFields, FilterBar, FilterResults, useFilterValue } from '~/ui/filter-bar';
import { SelectField } from '~/ui/form';
import {
  ALL_FACILITIES,
  type LiveHandle,
  liveClientLoader,
  useLiveRefreshOn,
} from '~/ui/live/live';
import { formatDateTime } from '~/ui/time';

export const meta: MetaFunction = () => [{ title: 'Alerts · AnythingIoT' }];

// Live: an alert opened, acknowledged, resolved or cleared anywhere the member may see
// re-reads the list (filters and paging stay the server's).
export const handle: LiveHandle = { live: () => ALL_FACILITIES };
export const clientLoader = liveClientLoader(handle.live);

const PAGE_SIZE = 50;
/** The device filter lists this many devices; a larger fleet filters by facility first. */
const DEVICE_CHOICES = 500;

const FilterSchema = z.object({
  status: z.preprocess(
    blankIsAbsent,
    z.enum(['active', 'acknowledged', 'resolved'], { error: 'Choose a listed status.' }).optional(),
  ),
  severity: z.preprocess(
    blankIsAbsent,
    z.enum(['info', 'warning', 'critical'], { error: 'Choose a listed severity.' }).optional(),
  ),
  facilityId: z.preprocess(blankIsAbsent, z.string().max(64).optional()),
  deviceId: z.preprocess(blankIsAbsent, z.string().max(64).optional()),
  from: dayParam,
  to: dayParam,
  cursor: cursorParam,
});

export async function loader(args: LoaderFunctionArgs) {
  const params = Object.fromEntries(new URL(args.request.url).searchParams);
  const parsed = FilterSchema.safeParse(params);
  // A facility the member may not see answers 404, like on every other page.
  const facilityId = parsed.success ? parsed.data.facilityId : undefined;
  const member = await requireMember(args, 'alert.read', facilityId);
  const ctx = tenantCtx(member);
  const [prefs, facilities, devices] = await Promise.all([
    getTenantPreferences({ ctx }),
    listFacilities({ ctx }),
    listDevices({ ctx, input: { limit: DEVICE_CHOICES, ...(facilityId ? { facilityId } : {}) } }),
  ]);
  const base = {
    timeZone: prefs.timeZone,
    facilities: facilities.map((f) => ({ id: f.id, name: f.name })),
    devices: devices.items.map((d) => ({ id: d.id, name: d.name })),
  };
  const { query, errors } = listQuery(parsed, prefs.timeZone);
  const result = await guard(member, () =>
    listPage(member.app, errors, () => listAlerts({ ctx, input: { limit: PAGE_SIZE, ...query } })),
  );
  if ('problem' in result) {
    return json(
      { ...base, alerts: [], nextCursor: null, problem: result.problem },
      { status: 422 },
    );
  }
  const names = new Map(base.facilities.map((f) => [f.id, f.name]));
  return json({
    ...base,
    alerts: result.ok.items.map((a) => ({
      id: a.id,
      title: a.title,
      severity: a.severity,
      status: a.status,
      facility: a.facilityId ? (names.get(a.facilityId) ?? null) : null,
      startedAt: a.startedAt.toISOString(),
      raisedAt: a.raisedAt.toISOString(),
      retrospective: a.retrospective,
    })),
    nextCursor: result.ok.nextCursor,
    problem: null as Problem | null,
  });
}

const FILTER_FIELDS = ['status', 'severity', 'facilityId', 'deviceId', 'from', 'to'];

export default function AlertsCenter() {
  const data = useLoaderData<typeof loader>();
  useLiveRefreshOn((event) => (event.type === 'alert' ? 1_000 : false));
  const value = useFilterValue();
  const { problem } = data;
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">Alerts</h1>
      <FilterBar
        label="Filter alerts"
        clearTo="/alerts"
        columns={6}
        problem={problem}
        fields={FILTER_FIELDS}
      >
        <SelectField
          label="Status"
          name="status"
          defaultValue={value('status')}
          problem={problem}
          empty="Any status"
          choices={(['active', 'acknowledged', 'resolved'] as const).map((s) => ({
            value: s,
            label: STATUS_LABEL[s],
          }))}
        />
        <SelectField
          label="Severity"
          name="severity"
          defaultValue={value('severity')}
          problem={problem}
          empty="Any severity"
          choices={(['critical', 'warning', 'info'] as const).map((s) => ({
            value: s,
            label: SEVERITY_LABEL[s],
          }))}
        />
        <SelectField
          label="Facility"
          name="facilityId"
          defaultValue={value('facilityId')}
          problem={problem}
          empty="Every facility"
          choices={data.facilities.map((f) => ({ value: f.id, label: f.name }))}
        />
        <SelectField
          label="Device"
          name="deviceId"
          defaultValue={value('deviceId')}
          problem={problem}
          empty="Every device"
          choices={data.devices.map((d) => ({ value: d.id, label: d.name }))}
        />
        <DayRangeFields fromLabel="Raised from" toLabel="Raised to" problem={problem} />
      </FilterBar>
      <FilterResults
        heading="Matching alerts"
        count={data.alerts.length}
        empty={problem ? 'Fix the filters to see alerts.' : 'No alerts match these filters.'}
        nextCursor={data.nextCursor}
        firstLabel="Newest"
        nextLabel="Older alerts"
      >
        <DataTable columns={['Alert', 'Severity', 'Status', 'Facility', 'Began', 'Raised']}>
          {data.alerts.map((a) => (
            <TableRow key={a.id} data-testid="alert-row">
              <TableCell className="min-w-[14rem] whitespace-normal">
                <Link to={`/alerts/${a.id}`} className="font-medium text-blue-800 hover:underline">
                  {a.title}
                </Link>
                {a.retrospective ? (
                  <span className="block text-xs text-gray-500">Found in late data</span>
                ) : null}
              </TableCell>
              <TableCell>
                <SeverityBadge severity={a.severity} />
              </TableCell>
              <TableCell>
                <AlertStatusBadge status={a.status} />
              </TableCell>
              <TableCell>{a.facility ?? '—'}</TableCell>
              <TableCell>
                <time dateTime={a.startedAt}>{formatDateTime(a.startedAt, data.timeZone)}</time>
              </TableCell>
              <TableCell>
                <time dateTime={a.raisedAt}>{formatDateTime(a.raisedAt, data.timeZone)}</time>
              </TableCell>
            </TableRow>
          ))}
        </DataTable>
      </FilterResults>
    </div>
  );
}
