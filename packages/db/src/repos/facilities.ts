import { type Actor, DomainError, type FacilityType, newId } from '@anythingiot/core';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Database } from '../client.js';
import { facilities } from '../schema/index.js';
import { auditTrail } from './audit.js';
import { type FacilityScope, inFacilities } from './facility-scope.js';
import { isUniqueViolation } from './pg-errors.js';

export type Facility = typeof facilities.$inferSelect;
export type NewFacility = {
  name: string;
  type?: FacilityType;
  address?: string;
  timeZone?: string;
};

/**
 * Facilities of one tenant (and, given a facility scope, only those). The tenant and the scope
 * are bound at construction; every WHERE carries them.
 */
export function facilityRepo(db: Database, tenantId: string, scope: FacilityScope = {}) {
  const visible = inFacilities(facilities.id, scope);
  return {
    list(): Promise<Facility[]> {
      return db
        .select()
        .from(facilities)
        .where(and(eq(facilities.tenantId, tenantId), isNull(facilities.archivedAt), visible))
        .orderBy(asc(facilities.name));
    },

    /** The facility, or undefined when it does not exist *in this tenant* (and scope). */
    async get(id: string): Promise<Facility | undefined> {
      const [row] = await db
        .select()
        .from(facilities)
        .where(and(eq(facilities.tenantId, tenantId), eq(facilities.id, id), visible));
      return row;
    },

    async create(
      input: NewFacility,
      meta: { actor: Actor; requestId: string | null },
    ): Promise<Facility> {
      try {
        return await db.transaction(async (tx) => {
          const [row] = await tx
            .insert(facilities)
            .values({ id: newId('facility'), tenantId, ...input })
            .returning();
          if (!row) throw new Error('insert returned no row');
          await auditTrail(tenantId, 'facility')(tx, meta, 'facility.create', row.id, null, input);
          return row;
        });
      } catch (err) {
        if (isUniqueViolation(err, 'facilities_tenant_id_name_key')) {
          throw new DomainError('CONFLICT', `A facility named "${input.name}" already exists.`, {
            errors: [{ path: 'name', message: 'already taken in this tenant' }],
          });
        }
        throw err;
      }
    },
  };
}
