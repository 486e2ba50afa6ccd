import { boolean, index, integer, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { tenantId, timestamps } from './columns.js';
import { tenants } from './tenants.js';

/**
 * A tenant's webhook receiver (on-call tools, ticketing). Deliveries are signed with the
 * endpoint's own secret, sealed at rest like device secrets and shown once at creation.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    url: text('url').notNull(),
    secretCiphertext: text('secret_ciphertext').notNull(),
    keyVersion: integer('key_version').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    ...timestamps,
  },
  (t) => [
    unique('webhook_endpoints_tenant_id_id_key').on(t.tenantId, t.id),
    index('webhook_endpoints_tenant_id_idx').on(t.tenantId),
  ],
);
