import type { Problem } from '@anythingiot/accounts';
import {
  getTenantPreferences,
  listAlerts,
  listDevices,
  listFacilities,
} from '@anythingiot/services';
import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/cloudflare';
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react';
import {
  Badge,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeaderCell,
  TableRow,
} from '@tremor/react';
import { z } from 'zod';
import { dayRange, filterProblem, listOrProblem, zodFieldErrors } from '~/server/filters.server';
import { guard, requireMember } from '~/server/guard.server';
import { tenantCtx } from '~/server/tenant-ctx.server';
import {
  type AlertStatus,
  SEVERITY_COLOR,
  SEVERITY_LABEL,
  type Severity,
  STATUS_COLOR,
  STATUS_LABEL,
} from '~/ui/alerts';
import { Field, FormError, SelectField } from '~/ui/form';
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

const blankIsAbsent = (v: unknown) => (v === '' ? undefined : v);
const day = z.preprocess(
  blankIsAbsent,
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-03-01.')
    .optional(),
);

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
  from: day,
  to: day,
  cursor: z.preprocess(blankIsAbsent, z.string().max(200).optional()),
});

export async function loader(args: LoaderFunctionArgs) {
  const params = Object.fromEntries(new URL(args.request.url).searchParams);
  const parsed = FilterSchema.safeParse(params);
  // A facility the member may not see answers 404, like on every other page.
  const facilityId = parsed.success ? parsed.data.facilityId : undefined;
  const member = await requireMember(args, 'alert.read', facilityId);
  const ctx = tenantCtx(member);
  const { requestId } = member.app;
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
  const refused = (problem: Problem) =>
    json({ ...base, alerts: [], nextCursor: null, problem }, { status: 422 });
  if (!parsed.success) return refused(await filterProblem(zodFieldErrors(parsed.error), requestId));
  const { from: fromDay, to: toDay, ...filter } = parsed.data;
  const { errors, ...range } = dayRange({ from: fromDay, to: toDay }, prefs.timeZone);
  if (errors.length > 0) return refused(await filterProblem(errors, requestId));
  const result = await guard(member, () =>
    listOrProblem(
      () => listAlerts({ ctx, input: { limit: PAGE_SIZE, ...filter, ...range } }),
      requestId,
    ),
  );
  if ('problem' in result) return refused(result.problem);
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
  const [params] = useSearchParams();
  const value = (name: string) => params.get(name) ?? '';
  const nextParams = new URLSearchParams(params);
  if (data.nextCursor) nextParams.set('cursor', data.nextCursor);
  const firstParams = new URLSearchParams(params);
  firstParams.delete('cursor');
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">Alerts</h1>
      <Form
        method="get"
        className="grid gap-4 rounded-lg bg-white p-4 shadow-sm ring-1 ring-gray-200 sm:grid-cols-2 lg:grid-cols-6"
        aria-label="Filter alerts"
      >
        <SelectField
          label="Status"
          name="status"
          defaultValue={value('status')}
          problem={data.problem}
        >
          <option value="">Any status</option>
          {(['active', 'acknowledged', 'resolved'] as const).map((s) => (
            <option key={s} value={s}>
              {STATUS_LABEL[s]}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Severity"
          name="severity"
          defaultValue={value('severity')}
          problem={data.problem}
        >
          <option value="">Any severity</option>
          {(['critical', 'warning', 'info'] as const).map((s) => (
            <option key={s} value={s}>
              {SEVERITY_LABEL[s]}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Facility"
          name="facilityId"
          defaultValue={value('facilityId')}
          problem={data.problem}
        >
          <option value="">Every facility</option>
          {data.facilities.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Device"
          name="deviceId"
          defaultValue={value('deviceId')}
          problem={data.problem}
        >
          <option value="">Every device</option>
          {data.devices.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </SelectField>
        <Field
          label="Raised from"
          name="from"
          type="date"
          defaultValue={value('from')}
          problem={data.problem}
        />
        <Field
          label="Raised to"
          name="to"
          type="date"
          defaultValue={value('to')}
          problem={data.problem}
          hint="Inclusive, in the company's time zone"
        />
        <div className="flex items-end gap-3 sm:col-span-2 lg:col-span-6">
          <button
            type="submit"
            className="rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-blue-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700"
          >
            Apply filters
          </button>
          <Link to="/alerts" className="text-sm text-blue-700 underline">
            Clear
          </Link>
        </div>
      </Form>
      <FormError problem={data.problem} fields={FILTER_FIELDS} />
      <section aria-labelledby="alert-list-heading">
        <h2 id="alert-list-heading" className="sr-only">
          Matching alerts
        </h2>
        {data.alerts.length === 0 ? (
          <p className="text-sm text-gray-600" role="status">
            {data.problem ? 'Fix the filters to see alerts.' : 'No alerts match these filters.'}
          </p>
        ) : (
          <Table className="rounded-lg bg-white shadow-sm ring-1 ring-gray-200">
            <TableHead>
              <TableRow>
                <TableHeaderCell>Alert</TableHeaderCell>
                <TableHeaderCell>Severity</TableHeaderCell>
                <TableHeaderCell>Status</TableHeaderCell>
                <TableHeaderCell>Facility</TableHeaderCell>
                <TableHeaderCell>Began</TableHeaderCell>
                <TableHeaderCell>Raised</TableHeaderCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {data.alerts.map((a) => (
                <TableRow key={a.id} data-testid="alert-row">
                  <TableCell className="min-w-[14rem] whitespace-normal">
                    <Link
                      to={`/alerts/${a.id}`}
                      className="font-medium text-blue-800 hover:underline"
                    >
                      {a.title}
                    </Link>
                    {a.retrospective ? (
                      <span className="block text-xs text-gray-500">Found in late data</span>
                    ) : null}
                  </TableCell>
                  <TableCell>
                    <Badge color={SEVERITY_COLOR[a.severity as Severity]}>
                      {SEVERITY_LABEL[a.severity as Severity]}
                    </Badge>
                  </TableCell>
                  <TableCell>
                    <Badge color={STATUS_COLOR[a.status as AlertStatus]}>
                      {STATUS_LABEL[a.status as AlertStatus]}
                    </Badge>
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
            </TableBody>
          </Table>
        )}
        <nav aria-label="Pages" className="mt-4 flex gap-4 text-sm">
          {params.has('cursor') ? (
            <Link to={`?${firstParams}`} className="text-blue-700 underline">
              Newest
            </Link>
          ) : null}
          {data.nextCursor ? (
            <Link to={`?${nextParams}`} className="text-blue-700 underline">
              Older alerts
            </Link>
          ) : null}
        </nav>
      </section>
    </div>
  );
}
