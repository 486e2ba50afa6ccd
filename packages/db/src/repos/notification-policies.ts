import { type Actor, type NotificationPolicy, newId, type Severity } from '@anythingiot/core';
import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../client.js';
import { notificationPolicies } from '../schema/index.js';
import { auditTrail } from './audit.js';

type Meta = { actor: Actor; requestId: string | null };
type Row = typeof notificationPolicies.$inferSelect;

/** A stored policy: where it applies (facility or tenant-wide, severities) and its tiers. */
export type StoredNotificationPolicy = Omit<Row, 'tiers'> & { tiers: NotificationPolicy['tiers'] };

/** What the API accepts to create or replace a policy (already validated by core's schema). */
export type NotificationPolicyInput = NotificationPolicy & {
  name: string;
  facilityId: string | null;
  severities: Severity[];
};

const stored = (row: Row) => row as StoredNotificationPolicy;

/** The audited shape: the fields a person changes, without timestamps. */
const auditable = (p: StoredNotificationPolicy | NotificationPolicyInput) => ({
  name: p.name,
  facilityId: p.facilityId,
  severities: p.severities,
  tiers: p.tiers,
  repeatEveryMinutes: p.repeatEveryMinutes,
  maxRepeats: p.maxRepeats,
});

/** Notification policies of one tenant; every statement carries the tenant in its WHERE. */
export function notificationPolicyRepo(db: Database, tenantId: string) {
  const audit = auditTrail(tenantId, 'notification_policy');
  const byId = (id: string) =>
    and(eq(notificationPolicies.tenantId, tenantId), eq(notificationPolicies.id, id));

  return {
    /** Oldest first: the order policy selection breaks ties in. */
    async list(): Promise<StoredNotificationPolicy[]> {
      const rows = await db
        .select()
        .from(notificationPolicies)
        .where(eq(notificationPolicies.tenantId, tenantId))
        .orderBy(asc(notificationPolicies.createdAt), asc(notificationPolicies.id));
      return rows.map(stored);
    },

    async get(id: string): Promise<StoredNotificationPolicy | undefined> {
      const [row] = await db.select().from(notificationPolicies).where(byId(id));
      return row && stored(row);
    },

    create(input: NotificationPolicyInput, meta: Meta): Promise<StoredNotificationPolicy> {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(notificationPolicies)
          .values({ id: newId('notificationPolicy'), tenantId, ...auditable(input) })
          .returning();
        if (!row) throw new Error('insert returned no row');
        await audit(tx, meta, 'notification_policy.create', row.id, null, auditable(input));
        return stored(row);
      });
    },

    /** Replaces the policy; undefined when it is not in this tenant. */
    replace(
      id: string,
      input: NotificationPolicyInput,
      meta: Meta,
    ): Promise<StoredNotificationPolicy | undefined> {
      return db.transaction(async (tx) => {
        const [before] = await tx.select().from(notificationPolicies).where(byId(id)).for('update');
        if (!before) return undefined;
        const [row] = await tx
          .update(notificationPolicies)
          .set({ ...auditable(input), updatedAt: new Date() })
          .where(byId(id))
          .returning();
        if (!row) throw new Error('update returned no row');
        await audit(
          tx,
          meta,
          'notification_policy.update',
          id,
          auditable(stored(before)),
          auditable(input),
        );
        return stored(row);
      });
    },

    /** Deletes the policy; false when it is not in this tenant. */
    delete(id: string, meta: Meta): Promise<boolean> {
      return db.transaction(async (tx) => {
        const [row] = await tx.delete(notificationPolicies).where(byId(id)).returning();
        if (!row) return false;
        await audit(tx, meta, 'notification_policy.delete', id, auditable(stored(row)), null);
        return true;
      });
    },
  };
}
