import { type Excursion, newId, type StoredExcursion } from '@anythingiot/core';
import { and, eq, gte, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { type alertRules, excursionStates, excursions } from '../schema/index.js';
import { ruleFromRow, type StoredAlertRule } from './alert-rules.js';
import type { Executor } from './audit.js';

type Row = typeof excursions.$inferSelect;
type Target = { tenantId: string; deviceId: string };

/** Row → the core shape (ms timestamps) plus what evaluation needs to write it back. */
export type ExcursionRecord = StoredExcursion & {
  deviceId: string;
  ruleId: string;
  ruleVersion: number;
};

export function excursionFromRow(r: Row): ExcursionRecord {
  return {
    id: r.id,
    deviceId: r.deviceId,
    ruleId: r.ruleId,
    ruleVersion: r.ruleVersion,
    alertId: r.alertId,
    start: r.startTs.getTime(),
    end: r.endTs?.getTime() ?? null,
    lastTs: r.lastTs.getTime(),
    lastViolatingTs: r.lastViolatingTs.getTime(),
    peak: r.peak,
    alertAt: r.alertAt?.getTime() ?? null,
    dataGap: r.dataGap,
    longestGapMs: r.longestGapMs,
  };
}

const toColumns = (e: Excursion) => ({
  startTs: new Date(e.start),
  endTs: e.end === null ? null : new Date(e.end),
  lastTs: new Date(e.lastTs),
  lastViolatingTs: new Date(e.lastViolatingTs),
  peak: e.peak,
  alertAt: e.alertAt === null ? null : new Date(e.alertAt),
  dataGap: e.dataGap,
  longestGapMs: e.longestGapMs,
});

/**
 * Serialises rule evaluation per device for the rest of the transaction: two posts of one
 * device must not both advance the same excursion from the same state.
 */
export async function lockDeviceEvaluation(tx: Executor, deviceId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`eval:${deviceId}`}, 0))`);
}

/** Evaluation state of a device for the given rules: last applied ts and open excursions. */
export async function loadEvaluationState(tx: Executor, t: Target, ruleIds: string[]) {
  if (ruleIds.length === 0) return { states: new Map(), open: new Map() };
  const [stateRows, openRows] = await Promise.all([
    tx
      .select()
      .from(excursionStates)
      .where(
        and(
          eq(excursionStates.tenantId, t.tenantId),
          eq(excursionStates.deviceId, t.deviceId),
          inArray(excursionStates.ruleId, ruleIds),
        ),
      ),
    tx
      .select()
      .from(excursions)
      .where(
        and(
          eq(excursions.tenantId, t.tenantId),
          eq(excursions.deviceId, t.deviceId),
          inArray(excursions.ruleId, ruleIds),
          isNull(excursions.endTs),
        ),
      ),
  ]);
  return {
    states: new Map(
      stateRows.map((s) => [s.ruleId, { ruleVersion: s.ruleVersion, lastTs: s.lastTs.getTime() }]),
    ),
    open: new Map(openRows.map((r) => [r.ruleId, excursionFromRow(r)])),
  };
}

/** Stored excursions of a rule on a device that are open or end at or after `fromTs`. */
export async function excursionsSince(tx: Executor, t: Target, ruleId: string, fromTs: number) {
  const rows = await tx
    .select()
    .from(excursions)
    .where(
      and(
        eq(excursions.tenantId, t.tenantId),
        eq(excursions.deviceId, t.deviceId),
        eq(excursions.ruleId, ruleId),
        or(isNull(excursions.endTs), gte(excursions.endTs, new Date(fromTs))),
      ),
    );
  return rows.map(excursionFromRow);
}

/** Stored excursions containing `ts` (start ≤ ts ≤ end, or open), to place a late reading. */
export async function excursionsAround(tx: Executor, t: Target, ruleId: string, ts: number) {
  const at = new Date(ts);
  const rows = await tx
    .select()
    .from(excursions)
    .where(
      and(
        eq(excursions.tenantId, t.tenantId),
        eq(excursions.deviceId, t.deviceId),
        eq(excursions.ruleId, ruleId),
        lte(excursions.startTs, at),
        or(isNull(excursions.endTs), gte(excursions.endTs, at)),
      ),
    );
  return rows.map(excursionFromRow);
}

/** Every stored reading of one metric at or after `fromTs`, oldest first. */
export async function readingPointsSince(tx: Executor, t: Target, metric: string, fromTs: number) {
  const rows = await tx.execute<{ ts: string | Date; value: number }>(
    sql`select ts, value from readings where tenant_id = ${t.tenantId} and device_id = ${t.deviceId}
        and metric = ${metric} and ts >= ${new Date(fromTs)} order by ts`,
  );
  return rows.rows.map((r) => ({ ts: new Date(r.ts).getTime(), value: Number(r.value) }));
}

export async function insertExcursion(
  tx: Executor,
  t: Target,
  rule: { id: string; version: number; metric: string },
  e: Excursion,
): Promise<string> {
  const id = newId('excursion');
  await tx.insert(excursions).values({
    id,
    tenantId: t.tenantId,
    deviceId: t.deviceId,
    ruleId: rule.id,
    ruleVersion: rule.version,
    metric: rule.metric,
    ...toColumns(e),
  });
  return id;
}

export async function updateExcursion(tx: Executor, t: Target, id: string, e: Excursion) {
  await tx
    .update(excursions)
    .set({ ...toColumns(e), updatedAt: new Date() })
    .where(and(eq(excursions.tenantId, t.tenantId), eq(excursions.id, id)));
}

export async function deleteExcursions(tx: Executor, t: Target, ids: string[]) {
  if (ids.length === 0) return;
  await tx
    .delete(excursions)
    .where(and(eq(excursions.tenantId, t.tenantId), inArray(excursions.id, ids)));
}

export async function linkExcursionAlert(tx: Executor, t: Target, id: string, alertId: string) {
  await tx
    .update(excursions)
    .set({ alertId, updatedAt: new Date() })
    .where(and(eq(excursions.tenantId, t.tenantId), eq(excursions.id, id)));
}

/** Records the check message scheduled for an excursion (for support: which job judges it). */
export async function setExcursionCheck(
  db: Database,
  tenantId: string,
  id: string,
  messageId: string,
) {
  await db
    .update(excursions)
    .set({ checkMessageId: messageId })
    .where(and(eq(excursions.tenantId, tenantId), eq(excursions.id, id)));
}

export async function saveEvaluationState(
  tx: Executor,
  t: Target,
  rule: { id: string; version: number },
  lastTs: number,
) {
  await tx
    .insert(excursionStates)
    .values({
      tenantId: t.tenantId,
      deviceId: t.deviceId,
      ruleId: rule.id,
      ruleVersion: rule.version,
      lastTs: new Date(lastTs),
    })
    .onConflictDoUpdate({
      target: [excursionStates.deviceId, excursionStates.ruleId],
      set: { ruleVersion: rule.version, lastTs: new Date(lastTs) },
    });
}

/** One excursion by id, for the check job. */
export async function getExcursion(tx: Executor, tenantId: string, id: string) {
  const [row] = await tx
    .select()
    .from(excursions)
    .where(and(eq(excursions.tenantId, tenantId), eq(excursions.id, id)));
  return row && excursionFromRow(row);
}

/** What evaluating a device's readings needs to know about it. */
export type DeviceAlertContext = {
  name: string;
  facilityId: string | null;
  /** The facility's zone (schedules, quiet hours), else the tenant's. */
  timeZone: string;
  expectedIntervalSeconds: number;
  lastSeenAt: Date | null;
  /** The device's unresolved offline alert whose condition has not cleared, if any. */
  openOfflineAlertId: string | null;
};

export async function deviceAlertContext(
  db: Executor,
  tenantId: string,
  deviceId: string,
): Promise<DeviceAlertContext | undefined> {
  return (await deviceRulesContext(db, tenantId, deviceId, null))?.device;
}

/**
 * The device's context and the live rules that can apply to it (tenant-wide, its facility's,
 * its own) for the given metrics, in ONE round trip: this runs on every post, and most posts
 * of most devices meet no rule at all.
 */
export async function deviceRulesContext(
  db: Executor,
  tenantId: string,
  deviceId: string,
  metrics: string[] | null,
): Promise<{ device: DeviceAlertContext; rules: StoredAlertRule[] } | undefined> {
  const rows = await db.execute<{
    name: string;
    facility_id: string | null;
    time_zone: string;
    expected_interval_seconds: number;
    last_seen_at: string | Date | null;
    open_offline_alert_id: string | null;
    rules: (typeof alertRules.$inferSelect)[] | null;
  }>(
    sql`select d.name, d.facility_id, coalesce(f.time_zone, t.time_zone) as time_zone,
               d.expected_interval_seconds, d.last_seen_at,
               (select a.id from alerts a
                 where a.device_id = d.id and a.kind = 'offline' and a.status <> 'resolved'
                   and a.ended_at is null) as open_offline_alert_id,
               ${
                 metrics === null
                   ? sql`null`
                   : sql`(select json_agg(r) from (
                   select id, tenant_id as "tenantId", name, scope_kind as "scopeKind",
                          facility_id as "facilityId", device_id as "deviceId", metric, condition,
                          duration_seconds as "durationSeconds", deadband, severity, schedule,
                          enabled, preset_id as "presetId", version, created_by as "createdBy",
                          archived_at as "archivedAt", created_at as "createdAt",
                          updated_at as "updatedAt"
                   from alert_rules r
                   where r.tenant_id = d.tenant_id and r.archived_at is null and r.enabled
                     and r.metric in ${metrics}
                     and (r.scope_kind = 'tenant' or r.device_id = d.id
                          or (r.facility_id is not null and r.facility_id = d.facility_id))) r)`
               } as rules
        from devices d
        join tenants t on t.id = d.tenant_id
        left join facilities f on f.tenant_id = d.tenant_id and f.id = d.facility_id
        where d.tenant_id = ${tenantId} and d.id = ${deviceId}`,
  );
  const r = rows.rows[0];
  if (!r) return undefined;
  return {
    device: {
      name: r.name,
      facilityId: r.facility_id,
      timeZone: r.time_zone,
      expectedIntervalSeconds: r.expected_interval_seconds,
      lastSeenAt: r.last_seen_at === null ? null : new Date(r.last_seen_at),
      openOfflineAlertId: r.open_offline_alert_id,
    },
    // json_agg gives timestamps as strings; ruleFromRow wants the row shape drizzle returns.
    rules: (r.rules ?? []).map((row) =>
      ruleFromRow({
        ...row,
        createdAt: new Date(row.createdAt),
        updatedAt: new Date(row.updatedAt),
        archivedAt: row.archivedAt === null ? null : new Date(row.archivedAt),
      }),
    ),
  };
}
