import { sql } from 'drizzle-orm';
import { check, index, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamps, tstz } from './columns.js';
import { users } from './users.js';

export const ACCOUNT_TOKEN_PURPOSES = ['email_verification', 'password_reset'] as const;

/**
 * Single-use, expiring tokens mailed to a user (email verification, password reset). Only the
 * SHA-256 (hex) of the 256-bit token is stored; `email` is the address it was sent to, so a
 * verification link stops working if the address changes.
 */
export const accountTokens = pgTable(
  'account_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    purpose: text('purpose', { enum: ACCOUNT_TOKEN_PURPOSES }).notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    expiresAt: tstz('expires_at').notNull(),
    usedAt: tstz('used_at'),
    ...timestamps,
  },
  (t) => [
    index('account_tokens_user_id_purpose_idx').on(t.userId, t.purpose),
    check(
      'account_tokens_purpose_check',
      sql`${t.purpose} in ('email_verification','password_reset')`,
    ),
  ],
);
