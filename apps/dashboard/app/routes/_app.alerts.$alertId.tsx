import {
  ACK_REASON_CODES,
  type Action,
  type Actor,
  can,
  describeDuration,
  isDomainError,
} from '@anythingiot/core';
import {
  acknowledge,
  getAlert,
  getDevice,
  getFacility,
  getTenantPreferences,
  nameActors,
  resolve,
} from '@anythingiot/services';
import {
  type ActionFunctionArgs,
  json,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/cloudflare';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { Badge, Card } from '@tremor/react';
import type { ReactNode } from 'react';
import { z } from 'zod';
import { actorLabel, EVENT_LABEL, eventNote } from '~/server/alert-timeline.server';
import {
  type FormFailure,
  formFailure,
  guard,
  requireMember,
  requireMemberIntent,
} from '~/server/guard.server';
import { tenantCtx } from '~/server/tenant-ctx.server';
import { invalidInput } from '~/server/validation.server';
import { AlertStatusBadge, SeverityBadge } from '~/ui/alert-badges';
import { humanize } from '~/ui/alerts';
import { FormError, SelectField, Submit, TextAreaField } from '~/ui/form';
import {
  ALL_FACILITIES,
  type LiveHandle,
  liveClientLoader,
  useLiveRefreshOn,
} from '~/ui/live/live';
import { formatTemperature, type TemperatureUnit } from '~/ui/temperature';
import { formatDateTime } from '~/ui/time';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.alert.title ?? 'Alert'} · AnythingIoT` },
];

/** The value, or null when it is (no longer) visible to the member; other failures propagate. */
async function unlessNotFound<T>(work: Promise<T>): Promise<T | null> {
  try {
    return await work;
  } catch (err) {
    if (isDomainError(err) && err.code === 'NOT_FOUND') return null;
    throw err;
  }
}

export async function loader(args: LoaderFunctionArgs) {
  const member = await requireMember(args, 'alert.read');
  const ctx = tenantCtx(member);
  const id = args.params.alertId ?? '';
  const [{ alert, timeline }, prefs] = await guard(member, () =>
    Promise.all([getAlert({ ctx, input: { id } }), getTenantPreferences({ ctx })]),
  );
  // The device or facility may have moved out of the member's sight since the alert was
  // raised: the alert still shows, without their names.
  const [device, facility] = await Promise.all([
    unlessNotFound(getDevice({ ctx, input: { id: alert.deviceId } })),
    alert.facilityId ? unlessNotFound(getFacility({ ctx, input: { id: alert.facilityId } })) : null,
  ]);
  const actors = [
    ...timeline.map((e) => e.actor as Actor | null),
    alert.acknowledgedBy as Actor | null,
    alert.resolvedBy as Actor | null,
  ].filter((a): a is Actor => a !== null);
  const names = await nameActors({ ctx, input: { actors } });
  const { role } = member.principal;
  const unit = prefs.temperatureUnit as TemperatureUnit;
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    timeZone: prefs.timeZone,
    alert: {
      id: alert.id,
      title: alert.title,
      kind: alert.kind,
      severity: alert.severity,
      status: alert.status,
      version: alert.version,
      metric: alert.metric,
      peak:
        alert.peak === null
          ? null
          : alert.metric === 'temperature'
            ? formatTemperature(alert.peak, unit)
            : String(alert.peak),
      startedAt: iso(alert.startedAt),
      endedAt: iso(alert.endedAt),
      alertAt: iso(alert.alertAt),
      raisedAt: iso(alert.raisedAt),
      retrospective: alert.retrospective,
      dataGap: alert.dataGap,
      longestGapMs: alert.longestGapMs,
      acknowledgedAt: iso(alert.acknowledgedAt),
      acknowledgedBy: alert.acknowledgedBy
        ? actorLabel(alert.acknowledgedBy as Actor, names)
        : null,
      ackReason: alert.ackReasonCode ? humanize(alert.ackReasonCode) : null,
      ackComment: alert.ackComment,
      resolvedAt: iso(alert.resolvedAt),
      resolvedBy: alert.resolvedBy ? actorLabel(alert.resolvedBy as Actor, names) : null,
      resolution: alert.resolution ? humanize(alert.resolution) : null,
    },
    device: device
      ? { id: device.device.id, name: device.device.name }
      : { id: alert.deviceId, name: null as string | null },
    facility: facility ? { id: facility.id, name: facility.name } : null,
    timeline: timeline.map((e) => ({
      id: e.id,
      at: e.at.toISOString(),
      type: e.type,
      label: EVENT_LABEL[e.type] ?? humanize(e.type),
      actor: actorLabel(e.actor as Actor | null, names),
      note: eventNote(e, prefs.timeZone) || null,
    })),
    reasonCodes: ACK_REASON_CODES.map((code) => ({ code, label: humanize(code) })),
    canAcknowledge: can(role, 'alert.acknowledge') && alert.status === 'active',
    canResolve: can(role, 'alert.resolve') && alert.status !== 'resolved',
  };
}

const AckSchema = z.object({
  reasonCode: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(ACK_REASON_CODES, { error: 'Choose a listed reason.' }).optional(),
  ),
  comment: z.string().max(2_000, 'At most 2,000 characters.').optional(),
  version: z.coerce.number().int().positive(),
});

const ResolveSchema = z.object({
  reason: z
    .string()
    .trim()
    .min(1, 'Say why it is resolved (e.g. product moved, sensor replaced).')
    .max(2_000, 'At most 2,000 characters.'),
  version: z.coerce.number().int().positive(),
});

const INTENTS = {
  acknowledge: 'alert.acknowledge',
  resolve: 'alert.resolve',
} as const satisfies Record<string, Action>;

export type AlertActionData = { ok: 'acknowledged' | 'resolved' } | FormFailure;

export async function action(args: ActionFunctionArgs) {
  const { member, form: formData, intent } = await requireMemberIntent(args, 'alert.read', INTENTS);
  const form = Object.fromEntries(formData);
  const ctx = tenantCtx(member);
  const id = args.params.alertId ?? '';
  try {
    if (intent === 'acknowledge') {
      const parsed = AckSchema.safeParse(form);
      if (!parsed.success) throw invalidInput(parsed.error);
      const { version, ...input } = parsed.data;
      await acknowledge({ ctx, input: { id, ...input, seenVersion: version } });
      return json<AlertActionData>({ ok: 'acknowledged' });
    }
    const parsed = ResolveSchema.safeParse(form);
    if (!parsed.success) throw invalidInput(parsed.error);
    await resolve({
      ctx,
      input: { id, reason: parsed.data.reason, seenVersion: parsed.data.version },
    });
    return json<AlertActionData>({ ok: 'resolved' });
  } catch (err) {
    return formFailure(err, member.app);
  }
}

// Live: a change to this alert by anyone (or by the rules) re-reads the page, so its status,
// timeline and the version an acknowledgement sends are never behind.
export const handle: LiveHandle = { live: () => ALL_FACILITIES };
export const clientLoader = liveClientLoader(handle.live);

export default function AlertDetail() {
  const { alert, device, facility, timeline, timeZone, ...rest } = useLoaderData<typeof loader>();
  useLiveRefreshOn((event) => (event.type === 'alert' && event.alert.id === alert.id ? 0 : false));
  const result = useActionData<typeof action>();
  const problem = result && 'problem' in result ? result.problem : null;
  const conflict = problem?.status === 409;
  const at = (iso: string | null) => formatDateTime(iso, timeZone);
  return (
    <div className="space-y-6">
      <Link to="/alerts" className="text-sm text-blue-700 underline">
        ← All alerts
      </Link>
      <header className="space-y-2">
        <h1 className="text-xl font-semibold">{alert.title}</h1>
        <div className="flex flex-wrap gap-2">
          <SeverityBadge severity={alert.severity} />
          <AlertStatusBadge status={alert.status} data-testid="alert-status" />
          {alert.retrospective ? <Badge color="gray">Found in late data</Badge> : null}
          {alert.dataGap ? <Badge color="gray">Raised on missing data</Badge> : null}
        </div>
      </header>
      {conflict ? (
        <p role="alert" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900">
          Someone else changed this alert while you were looking at it. It has been reloaded with
          their change: check it, then act again if it is still needed.
        </p>
      ) : null}
      <FormError problem={conflict ? null : problem} fields={['reasonCode', 'comment', 'reason']} />
      {result && 'ok' in result ? (
        <p role="status" className="rounded-md bg-emerald-50 p-3 text-sm text-emerald-900">
          {result.ok === 'acknowledged' ? 'Alert acknowledged.' : 'Alert resolved.'}
        </p>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <h2 className="font-semibold">Details</h2>
          <dl className="mt-3 grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
            <Fact label="Device">
              <Link to={`/devices/${device.id}`} className="text-blue-700 underline">
                {device.name ?? device.id}
              </Link>
            </Fact>
            <Fact label="Facility">
              {facility ? (
                <Link to={`/facilities/${facility.id}`} className="text-blue-700 underline">
                  {facility.name}
                </Link>
              ) : (
                '—'
              )}
            </Fact>
            <Fact label="Kind">{alert.kind === 'offline' ? 'Device offline' : 'Excursion'}</Fact>
            {alert.peak ? <Fact label="Peak value">{alert.peak}</Fact> : null}
            <Fact label="Condition began">{at(alert.startedAt)}</Fact>
            <Fact label="Condition ended">{alert.endedAt ? at(alert.endedAt) : 'Ongoing'}</Fact>
            <Fact label="Rule duration reached">{at(alert.alertAt)}</Fact>
            <Fact label="Raised">{at(alert.raisedAt)}</Fact>
            {alert.longestGapMs ? (
              <Fact label="Longest stretch without data">
                <span data-testid="longest-gap">
                  {describeDuration(Math.round(alert.longestGapMs / 1_000)) || '< 1 s'}
                </span>
              </Fact>
            ) : null}
            {alert.acknowledgedAt ? (
              <Fact label="Acknowledged">
                {at(alert.acknowledgedAt)} by {alert.acknowledgedBy}
                {alert.ackReason ? ` — ${alert.ackReason}` : ''}
                {alert.ackComment ? <span className="block">“{alert.ackComment}”</span> : null}
              </Fact>
            ) : null}
            {alert.resolvedAt ? (
              <Fact label="Resolved">
                {at(alert.resolvedAt)} by {alert.resolvedBy}
                {alert.resolution ? ` — ${alert.resolution}` : ''}
              </Fact>
            ) : null}
          </dl>
        </Card>
        <div className="space-y-6">
          {rest.canAcknowledge ? (
            <Card>
              <Form method="post" className="space-y-3" aria-labelledby="ack-heading">
                <h2 id="ack-heading" className="font-semibold">
                  Acknowledge
                </h2>
                <input type="hidden" name="version" value={alert.version} />
                <SelectField
                  label="Reason"
                  name="reasonCode"
                  defaultValue=""
                  problem={problem}
                  empty="— none —"
                  choices={rest.reasonCodes.map((r) => ({ value: r.code, label: r.label }))}
                />
                <TextAreaField
                  label="Comment"
                  name="comment"
                  rows={3}
                  maxLength={2000}
                  problem={problem}
                  hint="What are you doing about it? A comment or a reason is required."
                />
                <Submit intent="acknowledge">Acknowledge</Submit>
              </Form>
            </Card>
          ) : null}
          {rest.canResolve ? (
            <Card>
              <Form method="post" className="space-y-3" aria-labelledby="resolve-heading">
                <h2 id="resolve-heading" className="font-semibold">
                  Resolve by hand
                </h2>
                <input type="hidden" name="version" value={alert.version} />
                <TextAreaField
                  label="Resolution"
                  name="reason"
                  rows={3}
                  maxLength={2000}
                  problem={problem}
                  hint="Why it is over, e.g. product moved, sensor replaced."
                />
                <Submit intent="resolve" variant="secondary">
                  Resolve
                </Submit>
              </Form>
            </Card>
          ) : null}
        </div>
      </div>
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading" className="text-lg font-semibold">
          Timeline
        </h2>
        <ol className="mt-3 space-y-3 border-l-2 border-gray-200 pl-4" data-testid="timeline">
          {timeline.map((e) => (
            <li key={e.id} className="relative">
              <span
                aria-hidden="true"
                className="absolute -left-[1.4rem] top-1.5 h-3 w-3 rounded-full bg-blue-600 ring-4 ring-gray-50"
              />
              <p className="text-sm">
                <span className="font-medium">{e.label}</span>{' '}
                <span className="text-gray-600">by {e.actor}</span>
              </p>
              <p className="text-xs text-gray-500">
                <time dateTime={e.at}>{at(e.at)}</time>
              </p>
              {e.note ? <p className="mt-1 text-sm text-gray-800">{e.note}</p> : null}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-gray-500">{label}</dt>
      <dd className="font-medium text-gray-900">{children}</dd>
    </div>
  );
}
