import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { tenantId, timestamps, tstz } from './columns.js';
import { facilities } from './facilities.js';
import { tenants } from './tenants.js';

/** A sensor or gateway that posts readings. Its id is what it sends in `X-Device-Id`. */
export const devices = pgTable(
  'devices',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    facilityId: text('facility_id'),
    name: text('name').notNull(),
    model: text('model').notNull().default(''),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    status: text('status', { enum: ['active', 'revoked'] })
      .notNull()
      .default('active'),
    /** How often the device is expected to report; drives offline detection. */
    expectedIntervalSeconds: integer('expected_interval_seconds').notNull().default(60),
    lastSeenAt: tstz('last_seen_at'),
    ...timestamps,
  },
  (t) => [
    unique('devices_tenant_id_id_key').on(t.tenantId, t.id),
    index('devices_tenant_id_facility_id_idx').on(t.tenantId, t.facilityId),
    // A device can only sit in a facility of its own tenant.
    foreignKey({
      name: 'devices_facility_fk',
      columns: [t.tenantId, t.facilityId],
      foreignColumns: [facilities.tenantId, facilities.id],
    }),
    check('devices_status_check', sql`${t.status} in ('active','revoked')`),
    check('devices_expected_interval_check', sql`${t.expectedIntervalSeconds} between 1 and 86400`),
  ],
);
