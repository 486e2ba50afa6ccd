import type { Actor, NotificationPrefs, UserChannel } from '@anythingiot/core';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../client.js';
import { notificationPreferences } from '../schema/index.js';
import { auditTrail } from './audit.js';

type Meta = { actor: Actor; requestId: string | null };
type Row = typeof notificationPreferences.$inferSelect;

/** One user's preferences in one tenant, with the phone number SMS goes to. */
export type StoredNotificationPrefs = NotificationPrefs & { phone: string | null; updatedAt: Date };

/** Row → domain shape; quiet hours are stored as two 'HH:MM' columns. */
export function prefsFromRow(row: Row): StoredNotificationPrefs {
  return {
    channels: row.channels as UserChannel[],
    quietHours:
      row.quietStart !== null && row.quietEnd !== null
        ? { start: row.quietStart, end: row.quietEnd }
        : null,
    timeZone: row.timeZone,
    phone: row.phone,
    updatedAt: row.updatedAt,
  };
}

const auditable = (p: NotificationPrefs & { phone: string | null }) => ({
  channels: p.channels,
  quietHours: p.quietHours,
  timeZone: p.timeZone,
  phone: p.phone,
});

/** Notification preferences of one tenant's users; every WHERE carries the tenant. */
export function notificationPrefsRepo(db: Database, tenantId: string) {
  const audit = auditTrail(tenantId, 'user');
  const byUser = (userId: string) =>
    and(eq(notificationPreferences.tenantId, tenantId), eq(notificationPreferences.userId, userId));
  return {
    async get(userId: string): Promise<StoredNotificationPrefs | undefined> {
      const [row] = await db.select().from(notificationPreferences).where(byUser(userId));
      return row && prefsFromRow(row);
    },

    /** Creates or replaces the user's preferences, audited with before and after. */
    put(
      userId: string,
      prefs: NotificationPrefs & { phone: string | null },
      meta: Meta,
    ): Promise<StoredNotificationPrefs> {
      return db.transaction(async (tx) => {
        const [before] = await tx
          .select()
          .from(notificationPreferences)
          .where(byUser(userId))
          .for('update');
        const values = {
          channels: prefs.channels,
          phone: prefs.phone,
          quietStart: prefs.quietHours?.start ?? null,
          quietEnd: prefs.quietHours?.end ?? null,
          timeZone: prefs.timeZone,
          updatedAt: new Date(),
        };
        const [row] = await tx
          .insert(notificationPreferences)
          .values({ tenantId, userId, ...values })
          .onConflictDoUpdate({
            target: [notificationPreferences.tenantId, notificationPreferences.userId],
            set: values,
          })
          .returning();
        if (!row) throw new Error('upsert returned no row');
        await audit(
          tx,
          meta,
          'notification_preferences.put',
          userId,
          before ? auditable(prefsFromRow(before)) : null,
          auditable(prefs),
        );
        return prefsFromRow(row);
      });
    },
  };
}
