import { sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  unique,
} from 'drizzle-orm/pg-core';
import { tenantId, timestamps } from './columns.js';
import { facilities } from './facilities.js';
import { tenants } from './tenants.js';

/**
 * Who hears about an alert, how, and when: tiers (tier 1 at once, later tiers if still
 * unacknowledged), repeated until acknowledged up to a cap. Scoped to the tenant or a facility
 * (the facility's policy wins) and to the severities it covers. `tiers` holds the shape
 * validated by core's NotificationPolicySchema.
 */
export const notificationPolicies = pgTable(
  'notification_policies',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    facilityId: text('facility_id'),
    severities: text('severities').array().notNull(),
    tiers: jsonb('tiers').notNull(),
    repeatEveryMinutes: integer('repeat_every_minutes'),
    maxRepeats: integer('max_repeats').notNull().default(0),
    ...timestamps,
  },
  (t) => [
    unique('notification_policies_tenant_id_id_key').on(t.tenantId, t.id),
    index('notification_policies_tenant_id_idx').on(t.tenantId),
    foreignKey({
      name: 'notification_policies_facility_fk',
      columns: [t.tenantId, t.facilityId],
      foreignColumns: [facilities.tenantId, facilities.id],
    }).onDelete('cascade'),
    check('notification_policies_max_repeats_check', sql`${t.maxRepeats} between 0 and 20`),
  ],
);
