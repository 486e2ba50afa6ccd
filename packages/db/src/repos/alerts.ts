import type { Actor, Transition } from '@anythingiot/core';
import {
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  gte,
  isNull,
  lt,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { Database } from '../client.js';
import { alertEvents, alerts, excursions } from '../schema/index.js';
import { appendAudit, type Executor } from './audit.js';
import { type FacilityScope, inFacilities } from './facility-scope.js';

export type Alert = typeof alerts.$inferSelect;
export type AlertEvent = typeof alertEvents.$inferSelect;
/**
 * An alert as read: with its excursion's longest unobserved stretch (ms; null for alerts
 * without an excursion, e.g. offline), which keeps growing after the alert was raised.
 */
export type AlertView = Alert & { longestGapMs: number | null };

const ALERT_VIEW = {
  ...getTableColumns(alerts),
  longestGapMs: sql<number | null>`(select ${excursions.longestGapMs} from ${excursions}
    where ${excursions.tenantId} = ${alerts.tenantId} and ${excursions.id} = ${alerts.excursionId})`.mapWith(
    Number,
  ),
};
export type AlertFilter = {
  status?: Alert['status'];
  severity?: Alert['severity'];
  deviceId?: string;
  facilityId?: string;
  kind?: Alert['kind'];
  metric?: string;
  /** Raised at or after. */
  from?: Date;
  /** Raised before. */
  to?: Date;
  /**
   * The condition's own span (event time, `startedAt` to `endedAt`, open while ongoing) meets
   * this range: what a chart of the range shades, however late the alert was raised.
   */
  during?: { from: Date; to: Date };
};
type Meta = { actor: Actor; requestId: string | null };

/** The fields a new alert needs; the lifecycle columns start empty. */
export type NewAlert = Pick<
  Alert,
  | 'id'
  | 'deviceId'
  | 'facilityId'
  | 'kind'
  | 'ruleId'
  | 'excursionId'
  | 'metric'
  | 'severity'
  | 'title'
  | 'startedAt'
  | 'endedAt'
  | 'alertAt'
  | 'retrospective'
  | 'dataGap'
  | 'peak'
>;

/**
 * Inserts an alert with its "raised" timeline entry and audit entry, inside the caller's
 * transaction. Returns undefined when an alert for the same excursion (or an open offline alert
 * for the device) already exists: the unique indexes make raising twice impossible, so a
 * redelivered job or a concurrent post simply finds it done.
 */
export async function insertAlert(
  tx: Executor,
  tenantId: string,
  alert: NewAlert,
  meta: Meta,
): Promise<Alert | undefined> {
  const [row] = await tx
    .insert(alerts)
    .values({ ...alert, tenantId })
    .onConflictDoNothing()
    .returning();
  if (!row) return undefined;
  await tx.insert(alertEvents).values({
    tenantId,
    alertId: row.id,
    type: 'raised',
    actor: meta.actor,
    detail: {
      alertAt: row.alertAt,
      startedAt: row.startedAt,
      retrospective: row.retrospective,
      dataGap: row.dataGap,
    },
  });
  await appendAudit(
    tx,
    {
      actor: meta.actor,
      action: 'alert.raise',
      target: { type: 'alert', id: row.id },
      before: null,
      after: {
        kind: row.kind,
        severity: row.severity,
        title: row.title,
        excursionId: row.excursionId,
      },
      reason: null,
      requestId: meta.requestId,
      at: new Date(),
    },
    tenantId,
  );
  return row;
}

/**
 * Alerts of one tenant (and, given a facility scope, of those facilities only); every
 * statement carries both in its WHERE, so an alert outside them reads as unknown.
 */
export function alertRepo(db: Database, tenantId: string, scope: FacilityScope = {}) {
  const visible = inFacilities(alerts.facilityId, scope);
  return {
    async get(id: string): Promise<AlertView | undefined> {
      const [row] = await db
        .select(ALERT_VIEW)
        .from(alerts)
        .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id), visible));
      return row;
    },

    timeline(id: string): Promise<AlertEvent[]> {
      return db
        .select()
        .from(alertEvents)
        .where(and(eq(alertEvents.tenantId, tenantId), eq(alertEvents.alertId, id)))
        .orderBy(asc(alertEvents.at), asc(alertEvents.id));
    },

    /** Newest first; pass the previous page's last alert as `before` for the next page. */
    list(
      filter: AlertFilter,
      page: { limit: number; before?: { raisedAt: Date; id: string } },
    ): Promise<AlertView[]> {
      const where: SQL[] = [eq(alerts.tenantId, tenantId)];
      if (visible) where.push(visible);
      if (filter.status) where.push(eq(alerts.status, filter.status));
      if (filter.severity) where.push(eq(alerts.severity, filter.severity));
      if (filter.deviceId) where.push(eq(alerts.deviceId, filter.deviceId));
      if (filter.facilityId) where.push(eq(alerts.facilityId, filter.facilityId));
      if (filter.kind) where.push(eq(alerts.kind, filter.kind));
      if (filter.metric) where.push(eq(alerts.metric, filter.metric));
      if (filter.during) {
        where.push(lt(alerts.startedAt, filter.during.to));
        where.push(or(isNull(alerts.endedAt), gte(alerts.endedAt, filter.during.from)) as SQL);
      }
      if (filter.from) where.push(gte(alerts.raisedAt, filter.from));
      if (filter.to) where.push(lt(alerts.raisedAt, filter.to));
      if (page.before) {
        where.push(
          or(
            lt(alerts.raisedAt, page.before.raisedAt),
            and(eq(alerts.raisedAt, page.before.raisedAt), lt(alerts.id, page.before.id)),
          ) as SQL,
        );
      }
      return db
        .select(ALERT_VIEW)
        .from(alerts)
        .where(and(...where))
        .orderBy(desc(alerts.raisedAt), desc(alerts.id))
        .limit(page.limit);
    },

    /**
     * Applies a lifecycle transition if the alert is still at `version` (optimistic lock): of two
     * concurrent acknowledgements exactly one updates; the other gets undefined and answers 409.
     * Timeline and audit entries commit with the change.
     */
    applyTransition(
      id: string,
      version: number,
      transition: Transition,
      meta: Meta & { reason?: string | null },
    ): Promise<Alert | undefined> {
      return db.transaction((tx) =>
        applyTransition(tx, tenantId, id, version, transition, meta, visible),
      );
    },
  };
}

/** applyTransition inside an existing transaction (the evaluator clears conditions in one). */
export async function applyTransition(
  tx: Executor,
  tenantId: string,
  id: string,
  version: number,
  transition: Transition,
  meta: Meta & { reason?: string | null; endedAt?: Date },
  /** A facility-scope term (see `inFacilities`): outside it the alert is not changed. */
  visible?: SQL,
): Promise<Alert | undefined> {
  const { events, ...fields } = transition;
  const [row] = await tx
    .update(alerts)
    .set({
      ...fields,
      ...(meta.endedAt ? { endedAt: meta.endedAt } : {}),
      version: sql`${alerts.version} + 1`,
      updatedAt: new Date(),
    })
    .where(
      and(eq(alerts.tenantId, tenantId), eq(alerts.id, id), eq(alerts.version, version), visible),
    )
    .returning();
  if (!row) return undefined;
  if (events.length > 0) {
    await tx.insert(alertEvents).values(
      events.map((e) => ({
        tenantId,
        alertId: id,
        type: e.type,
        actor: meta.actor,
        detail: e.detail,
      })),
    );
  }
  await appendAudit(
    tx,
    {
      actor: meta.actor,
      action: `alert.${events.at(-1)?.type ?? 'update'}`,
      target: { type: 'alert', id },
      before: { version },
      after: fields,
      reason: meta.reason ?? null,
      requestId: meta.requestId,
      at: new Date(),
    },
    tenantId,
  );
  return row;
}

/** The alert's lifecycle fields, locked for the rest of the transaction. */
export async function lockAlert(tx: Executor, tenantId: string, id: string) {
  const [row] = await tx
    .select({ status: alerts.status, endedAt: alerts.endedAt, version: alerts.version })
    .from(alerts)
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id)))
    .for('update');
  return row;
}

/** Late data merged this alert's excursion into another: it keeps its record, unlinked. */
export async function unlinkMergedAlert(
  tx: Executor,
  tenantId: string,
  id: string,
  into: { excursionId: string | null },
  actor: Actor,
) {
  await tx
    .update(alerts)
    .set({ excursionId: null, updatedAt: new Date() })
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id)));
  await tx.insert(alertEvents).values({
    tenantId,
    alertId: id,
    type: 'merged',
    actor,
    detail: { intoExcursionId: into.excursionId },
  });
}

/** Marks escalation as handed to QStash (the outbox marker the sweep looks for). */
export async function markNotifyStarted(db: Executor, tenantId: string, id: string) {
  await db
    .update(alerts)
    .set({ notifyStartedAt: new Date() })
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id)));
}

/** A timeline entry that changes no lifecycle field (e.g. late data disqualified it). */
export async function addAlertEvent(
  tx: Executor,
  tenantId: string,
  alertId: string,
  event: { type: string; actor: Actor; detail: unknown },
) {
  await tx.insert(alertEvents).values({ tenantId, alertId, ...event });
}
