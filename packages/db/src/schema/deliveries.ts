import { sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  index,
  integer,
  pgTable,
  text,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { alerts } from './alerts.js';
import { tenantId, timestamps, tstz } from './columns.js';
import { users } from './users.js';

/**
 * One notification to one recipient over one channel, and what became of it. `dedup_key`
 * (alert, tier, repeat, channel, recipient) makes a redelivered escalation job a no-op.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId(),
    alertId: text('alert_id').notNull(),
    tier: integer('tier').notNull(),
    repeat: integer('repeat').notNull().default(0),
    channel: text('channel', { enum: ['email', 'sms', 'webhook', 'in_app'] }).notNull(),
    /** Email address, phone number, webhook URL or user id, as it was when sent. */
    recipient: text('recipient').notNull(),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    webhookEndpointId: text('webhook_endpoint_id'),
    status: text('status', { enum: ['pending', 'sent', 'failed', 'dead'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    providerId: text('provider_id'),
    dedupKey: text('dedup_key').notNull(),
    sentAt: tstz('sent_at'),
    ...timestamps,
  },
  (t) => [
    unique('deliveries_tenant_id_id_key').on(t.tenantId, t.id),
    uniqueIndex('deliveries_dedup_key_idx').on(t.dedupKey),
    index('deliveries_tenant_id_alert_id_idx').on(t.tenantId, t.alertId),
    index('deliveries_tenant_id_status_idx').on(t.tenantId, t.status),
    foreignKey({
      name: 'deliveries_alert_fk',
      columns: [t.tenantId, t.alertId],
      foreignColumns: [alerts.tenantId, alerts.id],
    }).onDelete('cascade'),
    check('deliveries_channel_check', sql`${t.channel} in ('email','sms','webhook','in_app')`),
    check('deliveries_status_check', sql`${t.status} in ('pending','sent','failed','dead')`),
  ],
);
