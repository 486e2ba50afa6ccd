import { pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { tenantId, timestamps } from './columns.js';
import { tenants } from './tenants.js';
import { users } from './users.js';

/**
 * How one user wants to be reached in one tenant: channels, a phone number for SMS, and quiet
 * hours (local time) that mute email and SMS for info and warning — never for critical.
 */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    channels: text('channels').array().notNull(),
    phone: text('phone'),
    quietStart: text('quiet_start'),
    quietEnd: text('quiet_end'),
    timeZone: text('time_zone').notNull().default('UTC'),
    ...timestamps,
  },
  (t) => [primaryKey({ name: 'notification_preferences_pkey', columns: [t.tenantId, t.userId] })],
);
