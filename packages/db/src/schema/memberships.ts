import { ROLES } from '@anythingiot/core';
import { sql } from 'drizzle-orm';
import { check, foreignKey, index, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { tenantId, timestamps, tstz } from './columns.js';
import { facilities } from './facilities.js';
import { tenants } from './tenants.js';
import { users } from './users.js';

/** A user's role in one tenant. */
export const memberships = pgTable(
  'memberships',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ROLES }).notNull(),
    deactivatedAt: tstz('deactivated_at'),
    ...timestamps,
  },
  (t) => [
    unique('memberships_tenant_id_id_key').on(t.tenantId, t.id),
    unique('memberships_tenant_id_user_id_key').on(t.tenantId, t.userId),
    index('memberships_user_id_idx').on(t.userId),
    check(
      'memberships_role_check',
      sql`${t.role} in ('owner','admin','manager','operator','auditor','vendor')`,
    ),
  ],
);

/**
 * Facilities an operator or vendor is limited to. No rows means "all facilities" for roles
 * that are not limited; the permission rules in core decide which roles must have rows.
 */
export const membershipFacilities = pgTable(
  'membership_facilities',
  {
    tenantId: tenantId(),
    membershipId: text('membership_id').notNull(),
    facilityId: text('facility_id').notNull(),
  },
  (t) => [
    unique('membership_facilities_pk').on(t.tenantId, t.membershipId, t.facilityId),
    index('membership_facilities_facility_id_idx').on(t.tenantId, t.facilityId),
    foreignKey({
      name: 'membership_facilities_membership_fk',
      columns: [t.tenantId, t.membershipId],
      foreignColumns: [memberships.tenantId, memberships.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'membership_facilities_facility_fk',
      columns: [t.tenantId, t.facilityId],
      foreignColumns: [facilities.tenantId, facilities.id],
    }).onDelete('cascade'),
  ],
);
