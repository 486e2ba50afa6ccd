import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { tenantId, timestamps, tstz } from './columns.js';
import { ownedByDevice } from './readings.js';

/**
 * Something a person (or an integration) asked a device to do. Lifecycle in core's
 * `commands/lifecycle.ts`: pending → sent → acknowledged → completed | failed, or expired.
 * `version` makes every transition a compare-and-set, so two paths (the device's room and its
 * HTTP posts) reporting at once cannot both apply.
 */
export const commands = pgTable(
  'commands',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId(),
    deviceId: text('device_id').notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull().default(sql`'{}'::jsonb`),
    status: text('status', {
      enum: ['pending', 'sent', 'acknowledged', 'completed', 'failed', 'expired'],
    })
      .notNull()
      .default('pending'),
    /** The caller's key: the same key for the same device returns this command again. */
    idempotencyKey: text('idempotency_key'),
    ttlSeconds: integer('ttl_seconds').notNull(),
    /** Who asked (an actor, as in the audit log). */
    createdBy: jsonb('created_by').notNull(),
    expiresAt: tstz('expires_at').notNull(),
    /** First and latest hand-over to the device, and how many there were (at least once). */
    sentAt: tstz('sent_at'),
    lastSentAt: tstz('last_sent_at'),
    deliveryCount: integer('delivery_count').notNull().default(0),
    acknowledgedAt: tstz('acknowledged_at'),
    /** When it became completed, failed or expired. */
    finishedAt: tstz('finished_at'),
    /** What the device answered, and its error text when it failed. */
    response: jsonb('response'),
    error: text('error'),
    /** Latest progress the device reported (0–100), e.g. of an update. */
    progress: integer('progress'),
    version: integer('version').notNull().default(1),
    ...timestamps,
  },
  (t) => [
    unique('commands_tenant_id_id_key').on(t.tenantId, t.id),
    ownedByDevice('commands_device_fk', t),
    index('commands_tenant_id_device_id_created_at_idx').on(t.tenantId, t.deviceId, t.createdAt),
    // What a device's next post or connection may receive: a handful of rows at most.
    index('commands_device_id_created_at_unacknowledged_idx')
      .on(t.deviceId, t.createdAt)
      .where(sql`${t.status} in ('pending','sent')`),
    // What the expiry sweep looks at.
    index('commands_expires_at_unacknowledged_idx')
      .on(t.expiresAt)
      .where(sql`${t.status} in ('pending','sent')`),
    uniqueIndex('commands_tenant_id_device_id_idempotency_key_idx')
      .on(t.tenantId, t.deviceId, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
    check(
      'commands_status_check',
      sql`${t.status} in ('pending','sent','acknowledged','completed','failed','expired')`,
    ),
    check('commands_ttl_check', sql`${t.ttlSeconds} between 1 and 604800`),
    check('commands_progress_check', sql`${t.progress} between 0 and 100`),
  ],
);
