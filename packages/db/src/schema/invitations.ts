import { ROLES } from '@anythingiot/core';
import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantId, timestamps, tstz } from './columns.js';
import { tenants } from './tenants.js';
import { users } from './users.js';

/**
 * An invitation to join a tenant with a role (and, for operators and vendors, facilities).
 * Only the SHA-256 (hex) of the mailed token is stored. The facility ids are re-checked
 * against the tenant's facilities when the invitation is accepted (a facility may have been
 * deleted meanwhile), and the membership rows carry composite foreign keys.
 */
export const invitations = pgTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    facilityIds: text('facility_ids').array().notNull().default(sql`'{}'::text[]`),
    tokenHash: text('token_hash').notNull(),
    invitedBy: text('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: tstz('expires_at').notNull(),
    acceptedAt: tstz('accepted_at'),
    acceptedBy: text('accepted_by').references(() => users.id, { onDelete: 'set null' }),
    revokedAt: tstz('revoked_at'),
    ...timestamps,
  },
  (t) => [
    unique('invitations_tenant_id_id_key').on(t.tenantId, t.id),
    uniqueIndex('invitations_token_hash_idx').on(t.tokenHash),
    index('invitations_tenant_id_email_idx').on(t.tenantId, sql`lower(${t.email})`),
    check(
      'invitations_role_check',
      sql`${t.role} in ('owner','admin','manager','operator','auditor','vendor')`,
    ),
  ],
);
