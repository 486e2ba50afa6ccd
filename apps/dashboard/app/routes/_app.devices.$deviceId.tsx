import type { Problem } from '@anythingiot/accounts';
import {
  type Action,
  can,
  DomainError,
  facilityFilter,
  parseTagList,
  resolveRulesForDevice,
  validateDevicePatch,
} from '@anythingiot/core';
import type { Device, DevicePatch } from '@anythingiot/db';
import {
  getDevice,
  getReadings,
  getTenantPreferences,
  listAlertRules,
  listAlerts,
  listFacilities,
  revokeDevice,
  rotateDeviceSecret,
  type TenantCtx,
  updateDevice,
} from '@anythingiot/services';
import {
  type ActionFunctionArgs,
  json,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/cloudflare';
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
  useSubmit,
} from '@remix-run/react';
import { AreaChart, Badge, Card, type CustomTooltipProps } from '@tremor/react';
import { createContext, useContext, useEffect, useMemo, useRef } from 'react';
import { commandFormData, deviceCommands, sendDeviceCommand } from '~/server/commands.server';
import {
  type HistoryQuery,
  parseHistoryQuery,
  thresholdsOf,
  utcToLocalInput,
} from '~/server/device-history.server';
import {
  formFailure,
  guard,
  type Member,
  requireMember,
  requireMemberAction,
} from '~/server/guard.server';
import { tenantCtx } from '~/server/tenant-ctx.server';
import { SEVERITY_COLOR, SEVERITY_LABEL, STATUS_COLOR, STATUS_LABEL } from '~/ui/alerts';
import {
  axisLabel,
  buildChart,
  byImportance,
  type Chart,
  formatMetric,
  fullLabel,
  metricDisplay,
  RESOLUTION_LABEL,
  stepOf,
} from '~/ui/chart';
import { DeviceCommands } from '~/ui/commands';
import { CONNECTIVITY } from '~/ui/connectivity';
import { CopyButton } from '~/ui/copy-button';
import chartStyles from '~/ui/device-chart.css?url';
import { Field, FormError, SelectField, Submit } from '~/ui/form';
import { foldDevice, type LiveDevice } from '~/ui/live/fold';
import { type LiveHandle, liveClientLoader, useLiveRefreshOn, useLiveState } from '~/ui/live/live';
import { mergeSeries, placeOf, type SeriesKind, sinceFrom } from '~/ui/live/series';
import { fieldError, problemOf } from '~/ui/problem';
import { formatDateTime } from '~/ui/time';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: chartStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.device.name ?? 'Device'} · AnythingIoT` },
];

/** Alerts listed (and shaded) per range: more than a chart can show apart. */
const EXCURSION_LIMIT = 100;
/** How long the previous secret keeps verifying after a rotation; the api's default first. */
const GRACE_CHOICES = [
  { seconds: 86_400, label: '24 hours' },
  { seconds: 3_600, label: '1 hour' },
  { seconds: 7 * 86_400, label: '7 days' },
  { seconds: 0, label: 'None: retire it now' },
] as const;

export async function loader(args: LoaderFunctionArgs) {
  const member = await requireMember(args, 'device.read');
  const ctx = tenantCtx(member);
  const id = args.params.deviceId ?? '';
  const now = ctx.ports.now();
  const [detail, prefs, facilities] = await guard(member, () =>
    Promise.all([
      getDevice({ ctx, input: { id } }),
      getTenantPreferences({ ctx }),
      listFacilities({ ctx }),
    ]),
  );
  const { device } = detail;
  const { timeZone, temperatureUnit } = prefs;
  // Commands are for members who may send them (the panel is theirs alone).
  const commands = can(member.principal.role, 'device.command')
    ? await guard(member, () => deviceCommands(ctx, device.id))
    : null;
  const url = new URL(args.request.url);
  const latest = [...detail.latest].sort((a, b) => byImportance(a.metric, b.metric));
  const metrics = latest.map((l) => l.metric);
  const metric =
    url.searchParams.get('metric') ??
    (metrics.includes('temperature') ? 'temperature' : metrics[0]) ??
    'temperature';
  const display = metricDisplay(metric, temperatureUnit);
  const { role } = member.principal;
  const facilityName = new Map(facilities.map((f) => [f.id, f.name]));
  const when = dateLabel(timeZone);

  const history = await guard(member, async () => {
    try {
      const query = parseHistoryQuery(url.searchParams, now, timeZone);
      return { ok: true as const, ...(await loadHistory(ctx, device, metric, query, prefs)) };
    } catch (err) {
      // A bad range is the form's error (422 next to the field); anything else is the page's.
      if (err instanceof DomainError && err.code === 'VALIDATION') {
        const failure = await formFailure(err, member.app);
        return {
          ok: false as const,
          problem: ((await failure.json()) as { problem: unknown }).problem,
        };
      }
      throw err;
    }
  });

  const requested = url.searchParams.get('range') ?? '24h';
  const data = {
    device: {
      id: device.id,
      name: device.name,
      model: device.model,
      tags: device.tags,
      status: device.status,
      facilityId: device.facilityId,
      facility: device.facilityId ? (facilityName.get(device.facilityId) ?? null) : null,
      expectedIntervalSeconds: device.expectedIntervalSeconds,
      createdAt: device.createdAt.toISOString(),
    },
    timeZone,
    state: detail.connectivity,
    lastSeenAt: device.lastSeenAt?.toISOString() ?? null,
    temperatureUnit,
    lastSeen: device.lastSeenAt ? formatDateTime(device.lastSeenAt.toISOString(), timeZone) : null,
    lastSeenAgo: device.lastSeenAt ? ago(now - device.lastSeenAt.getTime()) : null,
    latest: latest.map((l) => {
      const d = metricDisplay(l.metric, temperatureUnit);
      return {
        metric: l.metric,
        label: d.label,
        value: formatMetric(l.metric, l.value, d),
        at: when(l.ts),
        /** Stored value and event time, so a live reading replaces only an older one. */
        stored: l.value,
        ts: l.ts.getTime(),
      };
    }),
    openSeqGaps: detail.openSeqGaps.map((g) => ({
      from: g.fromSeq,
      to: g.toSeq,
      missing: g.toSeq - g.fromSeq + 1,
      between: `${when(g.afterTs)} – ${when(g.beforeTs)}`,
    })),
    credentials: credentialInfo(detail.credentials, now, timeZone),
    metrics: metrics.map((m) => ({ metric: m, label: metricDisplay(m, temperatureUnit).label })),
    metric,
    metricLabel: display.label,
    unit: display.unit,
    decimals: display.decimals,
    range: requested,
    // What the custom form shows: what was typed, else the range on screen.
    customFrom:
      url.searchParams.get('from') ?? (history.ok ? utcToLocalInput(history.from, timeZone) : ''),
    customTo:
      url.searchParams.get('to') ?? (history.ok ? utcToLocalInput(history.to, timeZone) : ''),
    history,
    facilities: facilities.map((f) => ({ id: f.id, name: f.name })),
    // A member limited to facilities must keep the device in one of them.
    mayLeaveUnassigned: facilityFilter(member.principal) === null,
    can: {
      write: can(role, 'device.write'),
      rotate: can(role, 'device.rotate'),
      revoke: can(role, 'device.revoke'),
    },
    commands: commands && { items: commands, form: commandFormData() },
  };
  return json(data, { status: history.ok ? 200 : 422 });
}

/** The chart, its thresholds and excursions, and the range's statistics. */
async function loadHistory(
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
      duration: ago((a.endedAt?.getTime() ?? query.to) - a.startedAt.getTime()),
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

/** The credential panel: when the current secret was issued, and what still verifies. */
function credentialInfo(
  credentials: { id: string; createdAt: Date; validUntil: Date | null; revokedAt: Date | null }[],
  now: number,
  timeZone: string,
) {
  const at = dateLabel(timeZone);
  const [current, ...older] = credentials;
  const inGrace = older.filter(
    (c) => c.revokedAt === null && c.validUntil !== null && c.validUntil.getTime() > now,
  );
  return {
    issued: current ? at(current.createdAt) : null,
    rotations: Math.max(credentials.length - 1, 0),
    lastRotated: credentials.length > 1 && current ? at(current.createdAt) : null,
    revoked: current?.revokedAt ? at(current.revokedAt) : null,
    graceUntil: inGrace.map((c) => at(c.validUntil!)),
  };
}

/** Dates (Date or Unix ms) as the page shows them: "23 Nov 2026, 14:05" in the tenant's zone. */
function dateLabel(timeZone: string) {
  const format = fullLabel(timeZone);
  return (at: Date | number) => format(typeof at === 'number' ? at : at.getTime());
}

/** "3 min", "2 h 5 min", "4 d 3 h": a span for people. */
function ago(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

// --- Actions ----------------------------------------------------------------------------------

const INTENTS = {
  update: 'device.write',
  rotate: 'device.rotate',
  revoke: 'device.revoke',
  command: 'device.command',
} as const satisfies Record<string, Action>;
type Intent = keyof typeof INTENTS;

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const intent = String(form.get('intent') ?? '');
  if (!(intent in INTENTS)) {
    const { app } = await requireMemberAction(args, 'device.read');
    return refused(
      new DomainError('BAD_REQUEST', 'Unknown action for this device.', {
        reason: 'unknown_intent',
      }),
      app,
      'update',
    );
  }
  const member = await requireMemberAction(args, INTENTS[intent as Intent]);
  const ctx = tenantCtx(member);
  const id = args.params.deviceId ?? '';
  try {
    switch (intent as Intent) {
      case 'update': {
        const { device } = await getDevice({ ctx, input: { id } });
        const patch = changes(device, form);
        if (Object.keys(patch).length > 0) await updateDevice({ ctx, input: { id, patch } });
        return json({ intent: 'update' as const, saved: Object.keys(patch).length > 0 });
      }
      case 'rotate': {
        const grace = Number(form.get('graceSeconds'));
        if (!GRACE_CHOICES.some((c) => c.seconds === grace)) {
          throw new DomainError(
            'VALIDATION',
            'Choose how long the previous secret keeps working.',
            {
              errors: [{ path: 'graceSeconds', message: 'choose one of the offered periods' }],
            },
          );
        }
        const rotated = await rotateDeviceSecret({ ctx, input: { id, graceSeconds: grace } });
        // The secret is in this answer only: no cache (browser, proxy) may keep it.
        return json(
          {
            intent: 'rotate' as const,
            secret: rotated.secret,
            previousValidUntil: formatDateTime(
              rotated.previousSecretValidUntil.toISOString(),
              (await getTenantPreferences({ ctx })).timeZone,
            ),
            graceSeconds: grace,
          },
          { headers: { 'cache-control': 'no-store' } },
        );
      }
      case 'revoke': {
        if (form.get('confirm') !== 'yes') {
          throw new DomainError('VALIDATION', 'Confirm that the device should be revoked.', {
            errors: [{ path: 'confirm', message: 'confirm to revoke' }],
          });
        }
        await revokeDevice({ ctx, input: { id } });
        return json({ intent: 'revoke' as const, revoked: true });
      }
      case 'command':
        return json({ intent: 'command' as const, ...(await sendDeviceCommand(member, id, form)) });
    }
  } catch (err) {
    return refused(err, member.app, intent as Intent);
  }
}

/** The fields of the details form that differ from the device, validated like the api's. */
function changes(device: Device, form: FormData): DevicePatch {
  const name = String(form.get('name') ?? '');
  const tags = parseTagList(String(form.get('tags') ?? ''));
  const facility = String(form.get('facilityId') ?? '');
  const input = {
    name,
    tags,
    facilityId: facility === '' ? null : facility,
  };
  // Validate everything typed (every field error at once), then keep what changed.
  const valid = validateDevicePatch(input);
  const patch: DevicePatch = {};
  if (valid.name !== undefined && valid.name !== device.name) patch.name = valid.name;
  if (valid.tags !== undefined && valid.tags.join('\n') !== device.tags.join('\n')) {
    patch.tags = valid.tags;
  }
  if (valid.facilityId !== undefined && valid.facilityId !== device.facilityId) {
    patch.facilityId = valid.facilityId;
  }
  return patch;
}

/** A refused form, tagged with the form it came from so the page shows it there. */
async function refused(err: unknown, app: Member['app'], intent: Intent) {
  const failure = await formFailure(err, app);
  const body = (await failure.json()) as { problem: unknown };
  return json(
    { intent, problem: problemOf(body.problem) },
    { status: failure.status, headers: failure.headers },
  );
}

// --- Page -------------------------------------------------------------------------------------

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type History = Extract<Data['history'], { ok: true }>;

export default function DevicePage() {
  const data = useLiveView(useLoaderData<typeof loader>());
  const { device } = data;
  const state = CONNECTIVITY[data.state];
  const manage = data.can.write || data.can.rotate || data.can.revoke;
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-gray-500">
        <Link to="/devices" className="hover:underline">
          Devices
        </Link>
        {device.facility && device.facilityId ? (
          <>
            {' / '}
            <Link to={`/facilities/${device.facilityId}`} className="hover:underline">
              {device.facility}
            </Link>
          </>
        ) : null}
      </nav>
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="truncate text-2xl font-semibold text-gray-900">{device.name}</h1>
            <Badge color={state.color} data-testid="device-state">
              {state.label}
            </Badge>
          </div>
          <p className="mt-1 text-sm text-gray-600">
            {[device.model || null, device.facility ?? 'No facility'].filter(Boolean).join(' · ')}
            {' · '}
            <span className="font-mono text-xs">{device.id}</span>
          </p>
          {device.tags.length > 0 ? (
            <ul className="mt-2 flex flex-wrap gap-1.5" aria-label="Tags">
              {device.tags.map((tag) => (
                <li key={tag}>
                  <span className="rounded-full bg-gray-100 px-2 py-0.5 text-xs text-gray-700">
                    {tag}
                  </span>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      </header>

      <LatestValues data={data} />

      <HistoryCard data={data} />

      <div className="grid gap-6 lg:grid-cols-3">
        <StatusCard data={data} />
        <CredentialCard data={data} />
        {data.history.ok ? <ExcursionsCard history={data.history} /> : null}
      </div>

      {data.commands ? (
        <DeviceCommands
          deviceId={device.id}
          revoked={device.status === 'revoked'}
          commands={data.commands.items}
          form={data.commands.form}
          timeZone={data.timeZone}
        />
      ) : null}

      {manage ? <ManageSection data={data} /> : null}
    </div>
  );
}

// The presets of parseHistoryQuery (a .server module the browser cannot import).
const RANGE_LABELS = { '1h': '1 h', '24h': '24 h', '7d': '7 d', '30d': '30 d' } as const;

function HistoryCard({ data }: { data: Data }) {
  const { history } = data;
  const problem = history.ok ? null : problemOf(history.problem);
  const rangeError = fieldError(problem, 'range');
  const custom = data.range === 'custom';
  const href = (range: string) => `?${new URLSearchParams({ metric: data.metric, range })}`;
  const customHref = `?${new URLSearchParams({
    metric: data.metric,
    range: 'custom',
    from: data.customFrom,
    to: data.customTo,
  })}`;
  return (
    <Card>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h2 className="text-lg font-semibold text-gray-900">History</h2>
          {history.ok ? (
            <p className="text-sm text-gray-500" data-testid="history-range">
              {history.fromLabel} – {history.toLabel} · {history.resolutionLabel}
            </p>
          ) : null}
        </div>
        <div className="flex flex-wrap items-end gap-3">
          <MetricPicker data={data} problem={problem} />
          <nav aria-label="Time range">
            <ul className="flex overflow-hidden rounded-md ring-1 ring-gray-300">
              {Object.keys(RANGE_LABELS).map((range) => (
                <li key={range}>
                  <Link
                    to={href(range)}
                    aria-current={data.range === range ? 'true' : undefined}
                    className="block px-3 py-1.5 text-sm font-medium text-gray-700 hover:bg-gray-50 aria-[current=true]:bg-blue-700 aria-[current=true]:text-white"
                    preventScrollReset
                  >
                    {RANGE_LABELS[range as keyof typeof RANGE_LABELS]}
                  </Link>
                </li>
              ))}
              <li>
                <Link
                  to={customHref}
                  aria-current={custom ? 'true' : undefined}
                  className="block px-3 py-1.5 text-sm font-medium text-gray-700 hover:bg-gray-50 aria-[current=true]:bg-blue-700 aria-[current=true]:text-white"
                  preventScrollReset
                >
                  Custom
                </Link>
              </li>
            </ul>
          </nav>
        </div>
      </div>
      {rangeError ? (
        <p role="alert" className="mt-3 text-sm text-red-700">
          Range: {rangeError}
        </p>
      ) : null}
      {custom || fieldError(problem, 'from') || fieldError(problem, 'to') ? (
        <CustomRangeForm data={data} problem={problem} />
      ) : null}
      {history.ok ? (
        <HistoryChart data={data} history={history} />
      ) : (
        <p role="alert" className="mt-6 rounded-md bg-red-50 p-4 text-sm text-red-800">
          {problem?.detail ?? 'Check the time range.'} Fix it above to see the chart.
        </p>
      )}
    </Card>
  );
}

function MetricPicker({ data, problem }: { data: Data; problem: Problem | null }) {
  const submit = useSubmit();
  if (data.metrics.length < 2 && !fieldError(problem, 'metric')) return null;
  return (
    <Form
      method="get"
      preventScrollReset
      onChange={(e) => submit(e.currentTarget)}
      className="flex items-end gap-2"
    >
      <input type="hidden" name="range" value={data.range} />
      {data.range === 'custom' ? (
        <>
          <input type="hidden" name="from" value={data.customFrom} />
          <input type="hidden" name="to" value={data.customTo} />
        </>
      ) : null}
      <SelectField label="Metric" name="metric" defaultValue={data.metric} problem={problem}>
        {data.metrics.map((m) => (
          <option key={m.metric} value={m.metric}>
            {m.label}
          </option>
        ))}
      </SelectField>
      <noscript>
        <button type="submit" className="rounded-md px-3 py-2 text-sm ring-1 ring-gray-300">
          Show
        </button>
      </noscript>
    </Form>
  );
}

function CustomRangeForm({ data, problem }: { data: Data; problem: Problem | null }) {
  return (
    <Form
      method="get"
      preventScrollReset
      noValidate
      className="mt-4 grid gap-3 rounded-md bg-gray-50 p-3 sm:grid-cols-[1fr_1fr_auto] sm:items-start"
      aria-label="Custom range"
    >
      <input type="hidden" name="metric" value={data.metric} />
      <input type="hidden" name="range" value="custom" />
      <Field
        label="From"
        name="from"
        type="datetime-local"
        defaultValue={data.customFrom}
        problem={problem}
        hint={`Times in ${data.timeZone}`}
      />
      <Field
        label="To"
        name="to"
        type="datetime-local"
        defaultValue={data.customTo}
        problem={problem}
      />
      <div className="sm:pt-6">
        <Submit>Apply</Submit>
      </div>
    </Form>
  );
}

type Units = Pick<Data, 'metricLabel' | 'unit' | 'decimals'>;
/** The chart's metric and unit, for the tooltip Tremor renders inside the chart. */
const ChartUnits = createContext<Units>({ metricLabel: '', unit: '', decimals: 1 });

const valueFormat = (units: Units) => (v: number) =>
  `${Number(v.toFixed(units.decimals))}${units.unit ? ` ${units.unit}` : ''}`;

/** The reading (or bucket mean with its extremes) under the cursor, and whether it was an excursion. */
function ChartTooltip({ active, payload }: CustomTooltipProps) {
  const units = useContext(ChartUnits);
  const format = valueFormat(units);
  const row = payload?.[0]?.payload as History['chart']['rows'][number] | undefined;
  if (!active || !row) return null;
  return (
    <div className="rounded-md border border-gray-200 bg-white p-2 text-sm shadow-md">
      <p className="font-medium text-gray-900">{row.at}</p>
      {row.value === null ? null : (
        <p>
          {units.metricLabel}: <span className="tabular-nums">{format(row.value)}</span>
          {row.low !== undefined && row.high !== undefined ? (
            <span className="text-gray-500">
              {' '}
              ({format(row.low)} – {format(row.high)})
            </span>
          ) : null}
        </p>
      )}
      {row.excursion ? <p className="font-medium text-orange-700">Excursion under way</p> : null}
    </div>
  );
}

function HistoryChart({ data, history }: { data: Data; history: History }) {
  const { chart, summary } = history;
  const format = valueFormat(data);
  const empty = chart.rows.every((r) => r.value === null);
  return (
    <div className="mt-4">
      {history.thresholds.length > 0 ? (
        <p className="sr-only">
          Thresholds: {history.thresholds.map((t) => `${t.name} (${t.severity})`).join(', ')}.
        </p>
      ) : null}
      <ChartUnits.Provider value={data}>
        <div
          className="device-chart"
          data-testid="history-chart"
          data-points={chart.rows.filter((r) => r.value !== null).length}
          data-excursion-points={chart.rows.filter((r) => r.excursion).length}
        >
          <AreaChart
            className="h-72 sm:h-80"
            data={empty ? [] : chart.rows}
            index="time"
            categories={chart.categories}
            colors={chart.colors}
            minValue={chart.minValue}
            maxValue={chart.maxValue}
            valueFormatter={format}
            customTooltip={ChartTooltip}
            curveType={data.metric === 'door' ? 'step' : 'monotone'}
            yAxisWidth={64}
            showAnimation={false}
            noDataText="No readings in this range"
          />
        </div>
      </ChartUnits.Provider>
      {history.truncated ? (
        <p className="mt-2 text-sm text-amber-800">
          Only the first readings of this range are shown: choose a shorter range for the rest.
        </p>
      ) : null}
      <dl className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-5" data-testid="history-summary">
        <Stat label="Min" value={summary?.min} />
        <Stat label="Max" value={summary?.max} />
        <Stat label="Mean" value={summary?.mean} />
        {data.metric === 'temperature' ? (
          <Stat label="MKT" value={summary?.mkt ?? undefined} hint="Mean kinetic temperature" />
        ) : null}
        <Stat
          label="Readings"
          value={summary ? summary.count.toLocaleString('en-GB') : undefined}
        />
      </dl>
    </div>
  );
}

function Stat({ label, value, hint }: { label: string; value: string | undefined; hint?: string }) {
  return (
    <div className="rounded-md bg-gray-50 px-3 py-2">
      <dt className="text-xs text-gray-500" title={hint}>
        {label}
      </dt>
      <dd className="text-lg font-semibold tabular-nums text-gray-900">{value ?? '—'}</dd>
    </div>
  );
}

function LatestValues({ data }: { data: Data }) {
  return (
    <section aria-labelledby="latest-heading">
      <h2 id="latest-heading" className="sr-only">
        Latest values
      </h2>
      {data.latest.length === 0 ? (
        <Card>
          <p className="text-sm text-gray-500">No readings yet.</p>
        </Card>
      ) : (
        <dl
          className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6"
          data-testid="latest-values"
        >
          {data.latest.map((l) => (
            <div
              key={l.metric}
              className="rounded-lg bg-white px-4 py-3 shadow-sm ring-1 ring-gray-200"
            >
              <dt className="text-sm text-gray-600">{l.label}</dt>
              <dd>
                <span className="block text-xl font-semibold tabular-nums text-gray-900">
                  {l.value}
                </span>
                <span className="block text-xs text-gray-500">{l.at}</span>
              </dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

function StatusCard({ data }: { data: Data }) {
  const interval = data.device.expectedIntervalSeconds;
  const every = interval % 60 === 0 ? `${interval / 60} min` : `${interval} s`;
  return (
    <Card>
      <h2 className="text-base font-semibold text-gray-900">Status</h2>
      <dl className="mt-3 space-y-2 text-sm">
        <Row label="State">
          <Badge color={CONNECTIVITY[data.state].color}>{CONNECTIVITY[data.state].label}</Badge>
        </Row>
        <Row label="Last seen">
          {data.lastSeen ? (
            <>
              {data.lastSeen}
              <span className="block text-xs text-gray-500">{data.lastSeenAgo} ago</span>
            </>
          ) : (
            'Never'
          )}
        </Row>
        <Row label="Reports every">{every}</Row>
        <Row label="Sequence gaps">
          {data.openSeqGaps.length === 0 ? (
            'None open'
          ) : (
            <span className="text-amber-800">{data.openSeqGaps.length} open</span>
          )}
        </Row>
      </dl>
      {data.openSeqGaps.length > 0 ? (
        <ul className="mt-3 space-y-1 text-xs text-gray-600" aria-label="Open sequence gaps">
          {data.openSeqGaps.slice(0, 5).map((g) => (
            <li key={g.from}>
              #{g.from}–{g.to} ({g.missing} missing), {g.between}
            </li>
          ))}
        </ul>
      ) : null}
    </Card>
  );
}

function CredentialCard({ data }: { data: Data }) {
  const c = data.credentials;
  return (
    <Card>
      <h2 className="text-base font-semibold text-gray-900">Credential</h2>
      <dl className="mt-3 space-y-2 text-sm" data-testid="credential-info">
        <Row label="Secret issued">{c.issued ?? '—'}</Row>
        <Row label="Rotations">{c.rotations}</Row>
        {c.lastRotated ? <Row label="Last rotated">{c.lastRotated}</Row> : null}
        {c.graceUntil.length > 0 ? (
          <Row label="Previous secret until">{c.graceUntil.join(', ')}</Row>
        ) : null}
        {c.revoked ? <Row label="Revoked">{c.revoked}</Row> : null}
      </dl>
      <p className="mt-3 text-xs text-gray-500">Secrets are shown once, when issued; never here.</p>
    </Card>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex items-baseline justify-between gap-3">
      <dt className="text-gray-600">{label}</dt>
      <dd className="text-right text-gray-900">{children}</dd>
    </div>
  );
}

function ExcursionsCard({ history }: { history: History }) {
  return (
    <Card>
      <h2 className="text-base font-semibold text-gray-900">Excursions in this range</h2>
      {history.excursions.length === 0 ? (
        <p className="mt-3 text-sm text-gray-500">None: every reading stayed within its rules.</p>
      ) : (
        <ul className="mt-3 divide-y divide-gray-100" data-testid="excursions">
          {history.excursions.map((e) => (
            <li
              key={e.id}
              className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm"
            >
              <div className="min-w-0">
                <Link to={`/alerts/${e.id}`} className="font-medium text-gray-900 hover:underline">
                  {e.title}
                </Link>
                <p className="text-gray-600">
                  {e.start} – {e.end ?? 'ongoing'} · {e.duration}
                  {e.peak ? ` · peak ${e.peak}` : ''}
                </p>
              </div>
              <div className="flex gap-2">
                <Badge color={SEVERITY_COLOR[e.severity]}>{SEVERITY_LABEL[e.severity]}</Badge>
                <Badge color={STATUS_COLOR[e.status]}>{STATUS_LABEL[e.status]}</Badge>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

// --- Live -------------------------------------------------------------------------------------

// Live: the state badge, last seen and latest values follow readings and status events; the
// chart gains the readings of its metric that arrive (a preset range slides, a custom one only
// takes what falls inside it), drawn by the same buildChart as the loader's. What the page
// cannot recompute exactly is re-read: statistics and MKT within SUMMARY_REREAD_MS of a new
// reading, a reading in a bucket the server already summed (or coalesced readings) within
// BUCKET_REREAD_MS, this device's alerts at once (excursion band and list).
export const handle: LiveHandle = {
  live: (params) => ({ facilityIds: [], deviceIds: [params.deviceId ?? ''] }),
};
export const clientLoader = liveClientLoader(handle.live);
const SUMMARY_REREAD_MS = 10_000;
const BUCKET_REREAD_MS = 5_000;

/** The loader's data with what arrived live since (the same object while nothing did). */
function useLiveView(loaded: Data): Data {
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
          lastSeenAgo: ago(Date.now() - Date.parse(device.lastSeenAt!)),
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

// --- Manage -----------------------------------------------------------------------------------

function ManageSection({ data }: { data: Data }) {
  const result = useActionData<typeof action>();
  const revoked = data.device.status === 'revoked';
  return (
    <section aria-labelledby="manage-heading" className="space-y-4">
      <h2 id="manage-heading" className="text-lg font-semibold text-gray-900">
        Manage device
      </h2>
      <div className="grid gap-6 lg:grid-cols-2">
        {data.can.write ? <DetailsForm data={data} result={result} /> : null}
        <div className="space-y-6">
          {data.can.rotate && (!revoked || resultFor(result, 'rotate')) ? (
            <RotateForm result={result} />
          ) : null}
          {data.can.revoke ? <RevokeForm data={data} result={result} /> : null}
        </div>
      </div>
    </section>
  );
}

type ActionResult = ReturnType<typeof useActionData<typeof action>>;

function resultFor(result: ActionResult, intent: Intent) {
  return result && result.intent === intent ? result : undefined;
}

function DetailsForm({ data, result }: { data: Data; result: ActionResult }) {
  const mine = resultFor(result, 'update');
  const problem = mine && 'problem' in mine ? mine.problem : null;
  const saved = mine && 'saved' in mine ? mine.saved : undefined;
  const { device } = data;
  const facilities = [...data.facilities];
  if (device.facilityId && !facilities.some((f) => f.id === device.facilityId)) {
    facilities.push({ id: device.facilityId, name: 'Current facility' });
  }
  return (
    <Card>
      <h3 className="text-base font-semibold text-gray-900">Details</h3>
      <Form method="post" className="mt-4 space-y-4" noValidate preventScrollReset>
        <FormError problem={problem} fields={['name', 'tags', 'facilityId']} />
        <Field label="Name" name="name" defaultValue={device.name} required problem={problem} />
        <Field
          label="Tags"
          name="tags"
          defaultValue={device.tags.join(', ')}
          hint="Separate tags with commas."
          problem={tagProblem(problem)}
        />
        <SelectField
          label="Facility"
          name="facilityId"
          defaultValue={device.facilityId ?? ''}
          problem={problem}
        >
          {data.mayLeaveUnassigned ? <option value="">No facility</option> : null}
          {facilities.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </SelectField>
        <div className="flex items-center gap-3">
          <Submit intent="update">Save details</Submit>
          {saved !== undefined ? (
            <p role="status" className="text-sm text-emerald-700">
              {saved ? 'Saved.' : 'Nothing changed.'}
            </p>
          ) : null}
        </div>
      </Form>
    </Card>
  );
}

/** `tags.3` (one tag too long) shows under the tags field too. */
function tagProblem(problem: Problem | null) {
  if (!problem?.errors) return problem;
  return {
    ...problem,
    errors: problem.errors.map((e) => (e.path.startsWith('tags.') ? { ...e, path: 'tags' } : e)),
  };
}

function RotateForm({ result }: { result: ActionResult }) {
  const mine = resultFor(result, 'rotate');
  const problem = mine && 'problem' in mine ? mine.problem : null;
  const rotated = mine && 'secret' in mine ? mine : null;
  return (
    <Card>
      <h3 className="text-base font-semibold text-gray-900">Rotate secret</h3>
      <p className="mt-1 text-sm text-gray-600">
        Issues a new secret for the device. The previous one keeps working for the grace period, so
        you can re-provision the device without losing data.
      </p>
      {rotated ? (
        <NewSecret
          secret={rotated.secret}
          previousValidUntil={rotated.previousValidUntil}
          grace={rotated.graceSeconds}
        />
      ) : (
        <Form method="post" className="mt-4 space-y-4" noValidate preventScrollReset>
          <FormError problem={problem} fields={['graceSeconds']} />
          <SelectField
            label="Previous secret keeps working for"
            name="graceSeconds"
            problem={problem}
          >
            {GRACE_CHOICES.map((c) => (
              <option key={c.seconds} value={c.seconds}>
                {c.label}
              </option>
            ))}
          </SelectField>
          <Submit intent="rotate" variant="secondary">
            Rotate secret
          </Submit>
        </Form>
      )}
    </Card>
  );
}

function NewSecret({
  secret,
  previousValidUntil,
  grace,
}: {
  secret: string;
  previousValidUntil: string;
  grace: number;
}) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <section
      ref={ref}
      tabIndex={-1}
      aria-labelledby="new-secret-heading"
      className="mt-4 rounded-md bg-amber-50 p-4 ring-1 ring-amber-200 focus:outline-none"
    >
      <h4 id="new-secret-heading" className="text-sm font-semibold text-amber-900">
        New secret: copy it now, it is not shown again
      </h4>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code
          className="break-all rounded bg-white px-2 py-1 font-mono text-sm ring-1 ring-amber-200"
          data-testid="new-secret"
        >
          {secret}
        </code>
        <CopyButton text={secret} label="Copy" done="Secret copied." name="new secret" />
      </div>
      <p className="mt-2 text-sm text-amber-900">
        {grace === 0
          ? 'The previous secret no longer works.'
          : `The previous secret keeps working until ${previousValidUntil}.`}
      </p>
    </section>
  );
}

function RevokeForm({ data, result }: { data: Data; result: ActionResult }) {
  const mine = resultFor(result, 'revoke');
  const problem = mine && 'problem' in mine ? mine.problem : null;
  const navigation = useNavigation();
  const revoked = data.device.status === 'revoked';
  return (
    <Card decoration="left" decorationColor="red">
      <h3 className="text-base font-semibold text-gray-900">Revoke device</h3>
      {problem ? (
        <p role="alert" className="mt-2 rounded-md bg-red-50 p-3 text-sm text-red-800">
          {problem.detail}
        </p>
      ) : null}
      {revoked ? (
        <p role="status" className="mt-1 text-sm text-gray-700">
          This device is revoked: it can no longer post readings. Its history stays.
        </p>
      ) : (
        <>
          <p className="mt-1 text-sm text-gray-600">
            The device and all its secrets stop working at once; its next post is refused. Its
            history stays. This cannot be undone.
          </p>
          <details className="mt-4" open={navigation.state !== 'idle' ? true : undefined}>
            <summary className="cursor-pointer text-sm font-semibold text-red-700">
              Revoke {data.device.name}…
            </summary>
            <Form method="post" className="mt-3 space-y-3" preventScrollReset>
              <input type="hidden" name="confirm" value="yes" />
              <p className="text-sm text-gray-800">
                Revoke <strong>{data.device.name}</strong> now? It will need to be registered again
                to post.
              </p>
              <Submit intent="revoke" variant="danger">
                Yes, revoke this device
              </Submit>
            </Form>
          </details>
        </>
      )}
    </Card>
  );
}
