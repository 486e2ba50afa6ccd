import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { tenants } from './tenants.js';
import { users } from './users.js';

/**
 * Login sessions (lucia v3 through `@lucia-auth/adapter-drizzle`). `id` is the SHA-256 (hex) of
 * the token in the cookie, never the token itself, so a leaked table opens no session. The
 * active tenant travels with the session; `must_rotate` asks the next request to swap the id
 * after the user's privileges changed. Users are global, so this table is not tenant-owned.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    activeTenantId: text('active_tenant_id').references(() => tenants.id, {
      onDelete: 'set null',
    }),
    mustRotate: boolean('must_rotate').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [
    index('sessions_user_id_idx').on(t.userId),
    index('sessions_expires_at_idx').on(t.expiresAt),
  ],
);
