import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  foreignKey,
  index,
  integer,
  pgTable,
  text,
  unique,
} from 'drizzle-orm/pg-core';
import { alertRules } from './alert-rules.js';
import { alerts } from './alerts.js';
import { tenantId, timestamps, tstz } from './columns.js';
import { ownedByDevice } from './readings.js';

/**
 * A period in which a device's readings broke a rule, in event time: from the first violating
 * reading (`start_ts`) to the first reading back beyond the deadband (`end_ts`, null while
 * open). Short ones never alert but are kept: reports list transient excursions too.
 * `alert_at` is the event time the rule's duration was reached; `alert_id` the alert raised.
 */
export const excursions = pgTable(
  'excursions',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId(),
    deviceId: text('device_id').notNull(),
    ruleId: text('rule_id').notNull(),
    ruleVersion: integer('rule_version').notNull(),
    metric: text('metric').notNull(),
    startTs: tstz('start_ts').notNull(),
    endTs: tstz('end_ts'),
    lastTs: tstz('last_ts').notNull(),
    lastViolatingTs: tstz('last_violating_ts').notNull(),
    peak: doublePrecision('peak').notNull(),
    alertAt: tstz('alert_at'),
    dataGap: boolean('data_gap').notNull().default(false),
    /**
     * The longest stretch inside the excursion with no reading (ms between consecutive readings
     * from start to the clearing reading): a gap away from the alert instant shows here even
     * when data_gap (judged around that instant only) is false.
     */
    longestGapMs: bigint('longest_gap_ms', { mode: 'number' }).notNull().default(0),
    alertId: text('alert_id'),
    /** The QStash message that re-checks the excursion at start + duration. */
    checkMessageId: text('check_message_id'),
    ...timestamps,
  },
  (t) => [
    unique('excursions_tenant_id_id_key').on(t.tenantId, t.id),
    ownedByDevice('excursions_device_fk', t),
    foreignKey({
      name: 'excursions_rule_fk',
      columns: [t.tenantId, t.ruleId],
      foreignColumns: [alertRules.tenantId, alertRules.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'excursions_alert_fk',
      columns: [t.tenantId, t.alertId],
      foreignColumns: [alerts.tenantId, alerts.id],
    }),
    index('excursions_device_id_rule_id_start_ts_idx').on(t.deviceId, t.ruleId, t.startTs),
    // Ingest reads the open excursions of one device on every post.
    index('excursions_device_id_open_idx').on(t.deviceId).where(sql`${t.endTs} is null`),
    index('excursions_tenant_id_start_ts_idx').on(t.tenantId, t.startTs),
  ],
);
