import { FACILITY_TYPES } from '@anythingiot/core';
import { sql } from 'drizzle-orm';
import { check, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { tenantId, timestamps, tstz } from './columns.js';
import { tenants } from './tenants.js';

/** A site or vehicle: a cold room, a warehouse, a truck, a pharmacy. */
export const facilities = pgTable(
  'facilities',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    type: text('type', { enum: FACILITY_TYPES }).notNull().default('other'),
    address: text('address').notNull().default(''),
    timeZone: text('time_zone').notNull().default('UTC'),
    archivedAt: tstz('archived_at'),
    ...timestamps,
  },
  (t) => [
    // Target of the composite foreign keys that keep children inside the tenant.
    unique('facilities_tenant_id_id_key').on(t.tenantId, t.id),
    unique('facilities_tenant_id_name_key').on(t.tenantId, t.name),
    check(
      'facilities_type_check',
      sql`${t.type} in ('warehouse','cold_room','transport','pharmacy','laboratory','clinic','store','other')`,
    ),
  ],
);
