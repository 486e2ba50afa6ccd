import { text, timestamp } from 'drizzle-orm/pg-core';

/** created_at / updated_at, both timestamptz with ms precision (what JS Dates carry). */
export const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
};

/** The tenant column every tenant-owned table carries (ARCHITECTURE rule 3). */
export const tenantId = () => text('tenant_id').notNull();

export const tstz = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });
