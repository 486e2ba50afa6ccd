// The device page's view-model: the device, its connectivity, latest values, credential and
// sequence gaps, the history of the picked metric (./device-page-history.server) and, for
// members who may send them, its commands — formatted for the member's unit and the
// company's time zone, so the page only lays them out.

import { can, DomainError, facilityFilter } from '@anythingiot/core';
import { getDevice, getTenantPreferences, listFacilities } from '@anythingiot/services';
import { json } from '@remix-run/cloudflare';
import { byImportance, formatMetric, metricDisplay } from '~/ui/chart';
import { durationLabel, formatDateTime } from '~/ui/time';
import { commandFormData, deviceCommands } from './commands.server';
import { parseHistoryQuery, utcToLocalInput } from './device-history.server';
import { dateLabel, loadHistory } from './device-page-history.server';
import { formFailure, guard, type Member } from './guard.server';
import { tenantCtx } from './tenant-ctx.server';

/**
 * What the device page shows of device `id` to `member` (the loader's answer): 422 with the
 * range form's errors when `?range=`/`from`/`to` is bad, the rest of the page still shown.
 */
export async function devicePage(member: Member, request: Request, id: string) {
  const ctx = tenantCtx(member);
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
  const url = new URL(request.url);
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
    lastSeenAgo: device.lastSeenAt ? durationLabel(now - device.lastSeenAt.getTime()) : null,
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
