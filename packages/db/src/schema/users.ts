import { TEMPERATURE_UNITS } from '@anythingiot/core';
import { sql } from 'drizzle-orm';
import { check, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamps, tstz } from './columns.js';

/**
 * A person. Users are global (one login, several tenants through memberships); the password
 * hash is a self-describing string (algorithm and parameters inside) so cost can be raised.
 */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull().default(''),
    passwordHash: text('password_hash'),
    emailVerifiedAt: tstz('email_verified_at'),
    disabledAt: tstz('disabled_at'),
    /** The person's own °C/°F; null follows the company's unit. */
    temperatureUnit: text('temperature_unit', { enum: TEMPERATURE_UNITS }),
    ...timestamps,
  },
  // One account per address, whatever the case it was typed in.
  (t) => [
    uniqueIndex('users_email_idx').on(sql`lower(${t.email})`),
    check('users_temperature_unit_check', sql`${t.temperatureUnit} in ('C','F')`),
  ],
);
