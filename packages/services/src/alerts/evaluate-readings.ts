import {
  type AlertRule,
  advanceExcursions,
  alertDueAt,
  alertTitle,
  conditionCleared,
  type Excursion,
  type ExcursionOptions,
  type LiveEvent,
  newId,
  type Point,
  type ReadingRow,
  recomputeWindow,
  recomputeWindowStart,
  reconcileExcursions,
  resolveRulesForDevice,
  toExcursion,
} from '@anythingiot/core';
import {
  addAlertEvent,
  applyTransition,
  type Database,
  type DeviceAlertContext,
  deleteExcursions,
  deviceRulesContext,
  type ExcursionRecord,
  type Executor,
  excursionsAround,
  excursionsSince,
  insertAlert,
  insertExcursion,
  linkExcursionAlert,
  loadEvaluationState,
  lockAlert,
  lockDeviceEvaluation,
  readingPointsSince,
  type StoredAlertRule,
  saveEvaluationState,
  unlinkMergedAlert,
  updateExcursion,
} from '@anythingiot/db';
import type { SystemCtx } from '../context.js';
import { liveAlertEvent, transitionChange } from '../live/alert-events.js';

/**
 * What the alert engine needs: the clock, the offline factor, the job queue (due checks,
 * escalations), the tenant rooms and the log. Ingest's ports and a job's ports both fit.
 */
export type AlertPorts = Pick<
  SystemCtx['ports'],
  'now' | 'offlineFactor' | 'jobs' | 'live' | 'log'
>;

export const EVALUATOR = { type: 'system' as const, id: 'alert-evaluator' };

/**
 * What the caller does after the evaluation committed: notify, schedule due checks, and tell
 * the dashboards (alerts opened and cleared, a device back online).
 */
export type EvaluationResult = {
  raised: string[];
  checks: { excursionId: string; dueAt: number }[];
  live: LiveEvent[];
};

export const emptyEvaluation = (): EvaluationResult => ({ raised: [], checks: [], live: [] });

type Target = { tenantId: string; deviceId: string };
export type EvaluationCtx = {
  tx: Executor;
  t: Target;
  device: DeviceAlertContext;
  opts: ExcursionOptions;
  now: Date;
  requestId: string | null;
  result: EvaluationResult;
};

/** The span between readings that makes an alert rest on missing data. */
export const gapOptions = (
  ports: Pick<AlertPorts, 'offlineFactor'>,
  device: DeviceAlertContext,
) => ({
  maxGapMs: device.expectedIntervalSeconds * 1_000 * ports.offlineFactor,
});

/**
 * Applies a committed batch to the device's alert rules, in event time: opens, extends and
 * closes excursions, raises an alert the moment a rule's duration is reached (or, for late and
 * backfilled data, recomputes the affected window and raises what it finds, marked
 * retrospective, never twice), and clears the condition of alerts whose excursion ended.
 * One transaction per batch, serialised per device. Any failure throws: the device then
 * retries, its readings are duplicates, and the evaluation runs again from the stored state.
 */
export async function evaluateReadings(
  ports: AlertPorts,
  db: Database,
  input: Target & { rows: readonly ReadingRow[]; requestId: string | null },
): Promise<EvaluationResult> {
  const result = emptyEvaluation();
  const metrics = new Set(input.rows.map((r) => r.metric));
  const t = { tenantId: input.tenantId, deviceId: input.deviceId };
  const found = await deviceRulesContext(db, t.tenantId, t.deviceId, [...metrics]);
  if (!found) return result;
  const { device } = found;
  if (device.openOfflineAlertId && input.rows.length > 0) {
    // Data is back: the outage ended at the first reading of this batch (event time).
    const back = Math.min(...input.rows.map((r) => r.ts));
    const alertId = device.openOfflineAlertId;
    await db.transaction((tx) =>
      clearAlert(evaluationCtx(tx, t, device, ports, input.requestId, result), alertId, back),
    );
    result.live.push({
      type: 'device_status',
      deviceId: t.deviceId,
      facilityId: device.facilityId,
      status: 'online',
      at: back,
    });
  }
  const rules = resolveRulesForDevice(found.rules, {
    id: t.deviceId,
    facilityId: device.facilityId,
  }).filter((r) => metrics.has(r.metric));
  if (rules.length === 0) return result;

  await db.transaction(async (tx) => {
    await lockDeviceEvaluation(tx, t.deviceId);
    const state = await loadEvaluationState(
      tx,
      t,
      rules.map((r) => r.id),
    );
    const ctx = evaluationCtx(tx, t, device, ports, input.requestId, result);
    for (const rule of rules) {
      const points = input.rows
        .filter((r) => r.metric === rule.metric)
        .map((r): Point => ({ ts: r.ts, value: r.value }));
      await evaluateRule(ctx, rule, points, state.states.get(rule.id), state.open.get(rule.id));
    }
  });
  return result;
}

/** Everything one evaluation transaction carries. */
export function evaluationCtx(
  tx: Executor,
  t: Target,
  device: DeviceAlertContext,
  ports: AlertPorts,
  requestId: string | null,
  result: EvaluationResult,
): EvaluationCtx {
  return {
    tx,
    t,
    device,
    opts: gapOptions(ports, device),
    now: new Date(ports.now()),
    requestId,
    result,
  };
}

async function evaluateRule(
  ctx: EvaluationCtx,
  rule: StoredAlertRule,
  points: Point[],
  state: { ruleVersion: number; lastTs: number } | undefined,
  open: ExcursionRecord | undefined,
) {
  let stored = open;
  if (stored && state && state.ruleVersion !== rule.version) {
    // The rule changed under an open excursion: it ends where the old rule last judged it.
    const ended = { ...toExcursion(stored), end: stored.lastTs };
    await updateExcursion(ctx.tx, ctx.t, stored.id, ended);
    if (stored.alertId) await clearAlert(ctx, stored.alertId, ended.end);
    stored = undefined;
  }
  const live = advanceExcursions(
    rule,
    { open: stored ? toExcursion(stored) : null, lastTs: state?.lastTs ?? null },
    points,
    ctx.device.timeZone,
    ctx.opts,
  );
  if (live.late) return recompute(ctx, rule, points, state?.lastTs ?? null);

  const ids = new Map<number, string>();
  for (const e of live.excursions) {
    if (stored && e.start === stored.start) {
      await updateExcursion(ctx.tx, ctx.t, stored.id, e);
      ids.set(e.start, stored.id);
      if (e.end !== null && stored.alertId) await clearAlert(ctx, stored.alertId, e.end);
    } else {
      const id = await insertExcursion(ctx.tx, ctx.t, rule, e);
      ids.set(e.start, id);
      scheduleCheck(ctx, rule, id, e);
    }
  }
  for (const e of live.raise) {
    const id = ids.get(e.start);
    if (id) await raise(ctx, rule, id, e, e.end !== null);
  }
  for (const e of live.disqualified) {
    if (stored?.alertId && e.start === stored.start) await disqualified(ctx, stored.alertId, e);
  }
  if (live.lastTs !== null) await saveEvaluationState(ctx.tx, ctx.t, rule, live.lastTs);
}

/** Late or backfilled readings: recompute the affected window from storage and reconcile. */
async function recompute(
  ctx: EvaluationCtx,
  rule: StoredAlertRule,
  points: Point[],
  lastTs: number | null,
) {
  const earliest = Math.min(...points.map((p) => p.ts));
  const around = await excursionsAround(ctx.tx, ctx.t, rule.id, earliest);
  const windowStart = recomputeWindowStart(around, earliest);
  const stored = await excursionsSince(ctx.tx, ctx.t, rule.id, windowStart);
  const series = await readingPointsSince(ctx.tx, ctx.t, rule.metric, windowStart);
  const fresh = recomputeWindow(rule, series, ctx.device.timeZone, ctx.opts);
  const plan = reconcileExcursions(stored, fresh.excursions);
  const byId = new Map(stored.map((s) => [s.id, s]));

  for (const m of plan.merged) {
    await unlinkMergedAlert(
      ctx.tx,
      ctx.t.tenantId,
      m.alertId,
      { excursionId: m.intoId },
      EVALUATOR,
    );
  }
  await deleteExcursions(ctx.tx, ctx.t, plan.remove);
  for (const u of plan.update) {
    await updateExcursion(ctx.tx, ctx.t, u.id, u.excursion);
    const before = byId.get(u.id);
    if (before?.alertId && before.end === null && u.excursion.end !== null) {
      await clearAlert(ctx, before.alertId, u.excursion.end);
    }
    // Late data moved an open excursion's start: its due instant moved with it.
    if (before && before.start !== u.excursion.start) scheduleCheck(ctx, rule, u.id, u.excursion);
  }
  for (const d of plan.disqualified) {
    // What the alerted excursion became: a disqualified one always changed (its alertAt went to
    // null), so it is in plan.update, possibly with a new start; looking it up by the old start
    // found nothing (or a different excursion) when late data had also moved the start.
    const excursion =
      plan.update.find((u) => u.id === d.id)?.excursion ??
      fresh.excursions.find((e) => e.start === byId.get(d.id)?.start);
    if (excursion) await disqualified(ctx, d.alertId, excursion);
  }
  const inserted = new Map<number, string>();
  for (const e of plan.insert) {
    const id = await insertExcursion(ctx.tx, ctx.t, rule, e);
    inserted.set(e.start, id);
    scheduleCheck(ctx, rule, id, e);
  }
  for (const r of plan.raise) {
    const id = r.id ?? inserted.get(r.start);
    if (id) await raise(ctx, rule, id, r, r.retrospective);
  }
  const newest = Math.max(
    lastTs ?? Number.NEGATIVE_INFINITY,
    fresh.state.lastTs ?? Number.NEGATIVE_INFINITY,
  );
  if (Number.isFinite(newest)) await saveEvaluationState(ctx.tx, ctx.t, rule, newest);
}

/** An open excursion that has not qualified yet gets a QStash check at start + duration. */
function scheduleCheck(ctx: EvaluationCtx, rule: AlertRule, excursionId: string, e: Excursion) {
  if (e.end === null && e.alertAt === null && rule.durationSeconds > 0) {
    ctx.result.checks.push({ excursionId, dueAt: alertDueAt(e, rule) });
  }
}

/** Raises the alert of a qualifying excursion (at most once: see insertAlert). */
export async function raise(
  ctx: EvaluationCtx,
  rule: AlertRule,
  excursionId: string,
  e: Excursion,
  retrospective: boolean,
) {
  const alert = await insertAlert(
    ctx.tx,
    ctx.t.tenantId,
    {
      id: newId('alert'),
      deviceId: ctx.t.deviceId,
      facilityId: ctx.device.facilityId,
      kind: 'excursion',
      ruleId: rule.id,
      excursionId,
      metric: rule.metric,
      severity: rule.severity,
      title: alertTitle({
        deviceName: ctx.device.name,
        metric: rule.metric,
        condition: rule.condition,
        durationSeconds: rule.durationSeconds,
      }),
      startedAt: new Date(e.start),
      endedAt: e.end === null ? null : new Date(e.end),
      alertAt: new Date(e.alertAt ?? e.start),
      retrospective,
      dataGap: e.dataGap,
      peak: e.peak,
    },
    { actor: EVALUATOR, requestId: ctx.requestId },
  );
  if (!alert) return;
  await linkExcursionAlert(ctx.tx, ctx.t, excursionId, alert.id);
  ctx.result.raised.push(alert.id);
  ctx.result.live.push(liveAlertEvent(alert, 'opened', ctx.now.getTime()));
}

/**
 * Late data showed the excursion ended before the rule's duration: the alert stays (it was
 * raised on what was known, which is a fact) and its timeline says why it no longer qualifies.
 */
async function disqualified(ctx: EvaluationCtx, alertId: string, e: Excursion) {
  await addAlertEvent(ctx.tx, ctx.t.tenantId, alertId, {
    type: 'disqualified',
    actor: EVALUATOR,
    detail: { start: new Date(e.start), end: e.end === null ? null : new Date(e.end) },
  });
}

/** The excursion behind an alert ended: record it; an acknowledged alert resolves. */
export async function clearAlert(ctx: EvaluationCtx, alertId: string, endedAt: number) {
  const alert = await lockAlert(ctx.tx, ctx.t.tenantId, alertId);
  if (!alert) return;
  const transition = conditionCleared(alert, {
    endedAt: new Date(endedAt),
    at: ctx.now,
    system: EVALUATOR,
  });
  if (!transition) return;
  const updated = await applyTransition(
    ctx.tx,
    ctx.t.tenantId,
    alertId,
    alert.version,
    transition,
    {
      actor: EVALUATOR,
      requestId: ctx.requestId,
      endedAt: new Date(endedAt),
    },
  );
  if (updated) {
    ctx.result.live.push(
      liveAlertEvent(updated, transitionChange(alert.status, updated), ctx.now.getTime()),
    );
  }
}
