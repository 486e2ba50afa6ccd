import { sql } from 'drizzle-orm';
import { foreignKey, index, pgTable, text } from 'drizzle-orm/pg-core';
import { alerts } from './alerts.js';
import { tenantId, timestamps, tstz } from './columns.js';
import { users } from './users.js';

/** In-app notifications: a user's unread list until the realtime issue pushes them live. */
export const inAppNotifications = pgTable(
  'in_app_notifications',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    alertId: text('alert_id').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    readAt: tstz('read_at'),
    ...timestamps,
  },
  (t) => [
    foreignKey({
      name: 'in_app_notifications_alert_fk',
      columns: [t.tenantId, t.alertId],
      foreignColumns: [alerts.tenantId, alerts.id],
    }).onDelete('cascade'),
    index('in_app_notifications_user_id_unread_idx')
      .on(t.tenantId, t.userId)
      .where(sql`${t.readAt} is null`),
  ],
);
