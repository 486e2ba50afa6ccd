import { INDUSTRIES, TEMPERATURE_UNITS } from '@anythingiot/core';
import { sql } from 'drizzle-orm';
import { check, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamps } from './columns.js';

/** A customer company. Everything it owns carries its id. */
export const tenants = pgTable(
  'tenants',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    industry: text('industry', { enum: INDUSTRIES }).notNull().default('other'),
    timeZone: text('time_zone').notNull().default('UTC'),
    temperatureUnit: text('temperature_unit', { enum: TEMPERATURE_UNITS }).notNull().default('C'),
    plan: text('plan').notNull().default('trial'),
    status: text('status', { enum: ['active', 'suspended'] })
      .notNull()
      .default('active'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('tenants_slug_idx').on(t.slug),
    check('tenants_industry_check', sql`${t.industry} in ('pharma','food','chemical','other')`),
    check('tenants_temperature_unit_check', sql`${t.temperatureUnit} in ('C','F')`),
    check('tenants_status_check', sql`${t.status} in ('active','suspended')`),
  ],
);
