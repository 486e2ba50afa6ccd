import { bigint, index, jsonb, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { tenantId, tstz } from './columns.js';
import { tenants } from './tenants.js';

/**
 * Append-only, hash-chained per tenant (see core `audit/chain.ts`). A trigger in the
 * migrations refuses UPDATE and DELETE, so even a buggy code path cannot rewrite history.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    at: tstz('at').notNull(),
    actorType: text('actor_type', {
      enum: ['user', 'apiKey', 'device', 'system', 'job'],
    }).notNull(),
    actorId: text('actor_id').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    reason: text('reason'),
    requestId: text('request_id'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    unique('audit_log_tenant_id_seq_key').on(t.tenantId, t.seq),
    index('audit_log_tenant_id_at_idx').on(t.tenantId, t.at),
    index('audit_log_tenant_id_target_idx').on(t.tenantId, t.targetType, t.targetId),
  ],
);
