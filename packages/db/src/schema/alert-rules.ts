import { sql } from 'drizzle-orm';
import {
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
} from 'drizzle-orm/pg-core';
import { tenantId, timestamps, tstz } from './columns.js';
import { devices } from './devices.js';
import { facilities } from './facilities.js';
import { tenants } from './tenants.js';

/**
 * An alert rule: a condition on one metric that must hold for `duration_seconds` (event time)
 * before it alerts. Scoped to the tenant, a facility or a device; the most specific scope wins
 * per metric. Rules are archived, never deleted: alerts keep pointing at the rule they came from.
 * `condition` and `schedule` hold the shapes validated by core's AlertRuleInputSchema.
 */
export const alertRules = pgTable(
  'alert_rules',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    scopeKind: text('scope_kind', { enum: ['tenant', 'facility', 'device'] }).notNull(),
    facilityId: text('facility_id'),
    deviceId: text('device_id'),
    metric: text('metric').notNull(),
    condition: jsonb('condition').notNull(),
    durationSeconds: integer('duration_seconds').notNull(),
    deadband: doublePrecision('deadband').notNull().default(0),
    severity: text('severity', { enum: ['info', 'warning', 'critical'] }).notNull(),
    schedule: jsonb('schedule'),
    enabled: boolean('enabled').notNull().default(true),
    presetId: text('preset_id'),
    /** Bumped on every change; an excursion records the version it was judged by. */
    version: integer('version').notNull().default(1),
    createdBy: text('created_by'),
    archivedAt: tstz('archived_at'),
    ...timestamps,
  },
  (t) => [
    unique('alert_rules_tenant_id_id_key').on(t.tenantId, t.id),
    index('alert_rules_tenant_id_metric_idx').on(t.tenantId, t.metric),
    foreignKey({
      name: 'alert_rules_facility_fk',
      columns: [t.tenantId, t.facilityId],
      foreignColumns: [facilities.tenantId, facilities.id],
    }),
    foreignKey({
      name: 'alert_rules_device_fk',
      columns: [t.tenantId, t.deviceId],
      foreignColumns: [devices.tenantId, devices.id],
    }).onDelete('cascade'),
    // The scope kind and its id column agree, so a rule is never ambiguous.
    check(
      'alert_rules_scope_check',
      sql`(${t.scopeKind} = 'tenant' and ${t.facilityId} is null and ${t.deviceId} is null)
       or (${t.scopeKind} = 'facility' and ${t.facilityId} is not null and ${t.deviceId} is null)
       or (${t.scopeKind} = 'device' and ${t.deviceId} is not null and ${t.facilityId} is null)`,
    ),
    check('alert_rules_severity_check', sql`${t.severity} in ('info','warning','critical')`),
    check('alert_rules_duration_check', sql`${t.durationSeconds} between 0 and 604800`),
    check('alert_rules_deadband_check', sql`${t.deadband} >= 0`),
  ],
);
