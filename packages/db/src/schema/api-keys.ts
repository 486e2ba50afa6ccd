import { sql } from 'drizzle-orm';
import { index, pgTable, text, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantId, timestamps, tstz } from './columns.js';
import { tenants } from './tenants.js';

/**
 * A tenant API key for integrations. Only a SHA-256 of the key is stored (the key is random
 * and long, so a slow hash adds nothing); `prefix` lets people tell keys apart in lists.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    createdBy: text('created_by'),
    lastUsedAt: tstz('last_used_at'),
    expiresAt: tstz('expires_at'),
    revokedAt: tstz('revoked_at'),
    ...timestamps,
  },
  (t) => [
    unique('api_keys_tenant_id_id_key').on(t.tenantId, t.id),
    uniqueIndex('api_keys_key_hash_idx').on(t.keyHash),
    index('api_keys_tenant_id_idx').on(t.tenantId),
  ],
);
