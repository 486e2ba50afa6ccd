import { sql } from 'drizzle-orm';
import { foreignKey, index, pgTable, text, unique, uniqueIndex } from 'drizzle-orm/pg-core';
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
    /**
     * The key that minted this one (null when a person or the system did): its children are
     * revoked with it, and none may outlive it.
     */
    createdByKeyId: text('created_by_key_id'),
    lastUsedAt: tstz('last_used_at'),
    expiresAt: tstz('expires_at'),
    revokedAt: tstz('revoked_at'),
    ...timestamps,
  },
  (t) => [
    unique('api_keys_tenant_id_id_key').on(t.tenantId, t.id),
    uniqueIndex('api_keys_key_hash_idx').on(t.keyHash),
    index('api_keys_tenant_id_idx').on(t.tenantId),
    index('api_keys_tenant_id_created_by_key_id_idx').on(t.tenantId, t.createdByKeyId),
    // Composite, so a key can only descend from a key of its own tenant.
    foreignKey({
      name: 'api_keys_created_by_key_fk',
      columns: [t.tenantId, t.createdByKeyId],
      foreignColumns: [t.tenantId, t.id],
    }),
  ],
);
