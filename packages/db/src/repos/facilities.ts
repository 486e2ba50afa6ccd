import { type Actor, DomainError, type FacilityType, newId } from '@anythingiot/core';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Database } from '../client.js';
import { facilities } from '../schema/index.js';
import { auditTrail, patchedFields } from './audit.js';
import { type FacilityScope, inFacilities } from './facility-scope.js';
import { isUniqueViolation } from './pg-errors.js';

export type Facility = typeof facilities.$inferSelect;
export type NewFacility = {
  name: string;
  type?: FacilityType;
  address?: string;
  timeZone?: string;
};
export type FacilityPatch = Partial<NewFacility>;
type Meta = { actor: Actor; requestId: string | null };

/** The unique (tenant, name) constraint as a field error instead of a 500. */
function nameTaken(err: unknown, name: string | undefined): unknown {
  if (!isUniqueViolation(err, 'facilities_tenant_id_name_key')) return err;
  return new DomainError('CONFLICT', `A facility named "${name}" already exists.`, {
    errors: [{ path: 'name', message: 'already taken in this tenant' }],
  });
}

/**
 * Facilities of one tenant (and, given a facility scope, only those). The tenant and the scope
 * are bound at construction; every WHERE carries them.
 */
export function facilityRepo(db: Database, tenantId: string, scope: FacilityScope = {}) {
  const visible = inFacilities(facilities.id, scope);
  const audit = auditTrail(tenantId, 'facility');
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

    async create(input: NewFacility, meta: Meta): Promise<Facility> {
      try {
        return await db.transaction(async (tx) => {
          const [row] = await tx
            .insert(facilities)
            .values({ id: newId('facility'), tenantId, ...input })
            .returning();
          if (!row) throw new Error('insert returned no row');
          await audit(tx, meta, 'facility.create', row.id, null, input);
          return row;
        });
      } catch (err) {
        throw nameTaken(err, input.name);
      }
    },

    /**
     * Changes the given fields; audited with before and after. `undefined` when the facility is
     * not in this tenant (and scope), or archived.
     */
    async update(id: string, patch: FacilityPatch, meta: Meta): Promise<Facility | undefined> {
      const reachable = and(
        eq(facilities.tenantId, tenantId),
        eq(facilities.id, id),
        isNull(facilities.archivedAt),
        visible,
      );
      try {
        return await db.transaction(async (tx) => {
          const [before] = await tx.select().from(facilities).where(reachable).for('update');
          if (!before) return undefined;
          const [after] = await tx
            .update(facilities)
            .set({ ...patch, updatedAt: new Date() })
            .where(reachable)
            .returning();
          await audit(tx, meta, 'facility.update', id, ...patchedFields(patch, before, after));
          return after;
        });
      } catch (err) {
        throw nameTaken(err, patch.name);
      }
    },
  };
}
