import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { tenantId, timestamps, tstz } from './columns.js';
import { facilities } from './facilities.js';
import { ownedByDevice } from './readings.js';

/**
 * Something a person must see: an excursion that lasted its rule's duration, or a device that
 * went silent. Lifecycle: active → acknowledged (who, when, comment/reason) → resolved (the
 * condition cleared after acknowledgement, or manually with a reason). `version` makes
 * concurrent acknowledgements safe: the update names the version it read.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId(),
    deviceId: text('device_id').notNull(),
    facilityId: text('facility_id'),
    kind: text('kind', { enum: ['excursion', 'offline'] }).notNull(),
    ruleId: text('rule_id'),
    excursionId: text('excursion_id'),
    metric: text('metric'),
    severity: text('severity', { enum: ['info', 'warning', 'critical'] }).notNull(),
    status: text('status', { enum: ['active', 'acknowledged', 'resolved'] })
      .notNull()
      .default('active'),
    title: text('title').notNull(),
    /** Event time the condition began (the excursion's start, or the last reading). */
    startedAt: tstz('started_at').notNull(),
    /** Event time the condition ended (clearing reading, data returned); null while ongoing. */
    endedAt: tstz('ended_at'),
    /** Event time the duration was reached. */
    alertAt: tstz('alert_at').notNull(),
    /** Server time the alert was raised; minus alertAt = detection delay. */
    raisedAt: tstz('raised_at').notNull().defaultNow(),
    retrospective: boolean('retrospective').notNull().default(false),
    dataGap: boolean('data_gap').notNull().default(false),
    peak: doublePrecision('peak'),
    acknowledgedAt: tstz('acknowledged_at'),
    acknowledgedBy: jsonb('acknowledged_by'),
    ackReasonCode: text('ack_reason_code'),
    ackComment: text('ack_comment'),
    resolvedAt: tstz('resolved_at'),
    resolvedBy: jsonb('resolved_by'),
    resolution: text('resolution'),
    version: integer('version').notNull().default(1),
    /**
     * When escalation was handed to QStash. Raising commits first and publishes after, so a
     * crash in between leaves this null and the sweep job publishes it: never silently dropped.
     */
    notifyStartedAt: tstz('notify_started_at'),
    ...timestamps,
  },
  (t) => [
    unique('alerts_tenant_id_id_key').on(t.tenantId, t.id),
    ownedByDevice('alerts_device_fk', t),
    foreignKey({
      name: 'alerts_facility_fk',
      columns: [t.tenantId, t.facilityId],
      foreignColumns: [facilities.tenantId, facilities.id],
    }),
    index('alerts_tenant_id_status_raised_at_idx').on(t.tenantId, t.status, t.raisedAt),
    index('alerts_device_id_raised_at_idx').on(t.deviceId, t.raisedAt),
    index('alerts_notify_pending_idx').on(t.raisedAt).where(sql`${t.notifyStartedAt} is null`),
    // One alert per excursion, and one open offline alert per device: a redelivered job or a
    // concurrent post can never raise the same alert twice.
    uniqueIndex('alerts_excursion_id_idx')
      .on(t.excursionId)
      .where(sql`${t.excursionId} is not null`),
    // (An outage that ended but awaits acknowledgement does not block the next outage's alert.)
    uniqueIndex('alerts_device_id_ongoing_offline_idx')
      .on(t.deviceId)
      .where(sql`${t.kind} = 'offline' and ${t.status} <> 'resolved' and ${t.endedAt} is null`),
    check('alerts_kind_check', sql`${t.kind} in ('excursion','offline')`),
    check('alerts_severity_check', sql`${t.severity} in ('info','warning','critical')`),
    check('alerts_status_check', sql`${t.status} in ('active','acknowledged','resolved')`),
  ],
);

/** An alert's timeline: raised, notified, escalated, acknowledged, cleared, resolved. */
export const alertEvents = pgTable(
  'alert_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: tenantId(),
    alertId: text('alert_id').notNull(),
    at: tstz('at').notNull().defaultNow(),
    type: text('type').notNull(),
    actor: jsonb('actor'),
    detail: jsonb('detail'),
  },
  (t) => [
    foreignKey({
      name: 'alert_events_alert_fk',
      columns: [t.tenantId, t.alertId],
      foreignColumns: [alerts.tenantId, alerts.id],
    }).onDelete('cascade'),
    index('alert_events_alert_id_at_idx').on(t.alertId, t.at),
  ],
);
