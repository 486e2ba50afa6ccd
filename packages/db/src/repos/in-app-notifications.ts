import { and, desc, eq, isNull, type SQL } from 'drizzle-orm';
import type { Database } from '../client.js';
import { inAppNotifications } from '../schema/index.js';

export type InAppNotification = typeof inAppNotifications.$inferSelect;

/** A tenant's in-app notifications; every statement carries the tenant in its WHERE. */
export function inAppNotificationRepo(db: Database, tenantId: string) {
  const ofUser = (userId: string) =>
    and(eq(inAppNotifications.tenantId, tenantId), eq(inAppNotifications.userId, userId));
  return {
    /** Newest first. */
    list(userId: string, opts: { unread: boolean; limit: number }): Promise<InAppNotification[]> {
      const where: SQL[] = [ofUser(userId) as SQL];
      if (opts.unread) where.push(isNull(inAppNotifications.readAt));
      return db
        .select()
        .from(inAppNotifications)
        .where(and(...where))
        .orderBy(desc(inAppNotifications.createdAt), desc(inAppNotifications.id))
        .limit(opts.limit);
    },

    /**
     * Marks it read (first read time wins, so repeating the call changes nothing); undefined
     * when the notification is not this user's in this tenant.
     */
    async markRead(userId: string, id: string): Promise<InAppNotification | undefined> {
      const [updated] = await db
        .update(inAppNotifications)
        .set({ readAt: new Date(), updatedAt: new Date() })
        .where(
          and(ofUser(userId), eq(inAppNotifications.id, id), isNull(inAppNotifications.readAt)),
        )
        .returning();
      if (updated) return updated;
      const [existing] = await db
        .select()
        .from(inAppNotifications)
        .where(and(ofUser(userId), eq(inAppNotifications.id, id)));
      return existing;
    },
  };
}
