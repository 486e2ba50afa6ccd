import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';
import { ownedByDevice } from './readings.js';

/**
 * Where a device's sequence counter stands: its newest reading (by event time) that carried a
 * `seq`. The ingest statement moves it forward and reads the previous position in the same
 * row update (`prev_*`), so two concurrent posts of one device see each other's positions.
 */
export const deviceSeqCursors = pgTable(
  'device_seq_cursors',
  {
    tenantId: text('tenant_id').notNull(),
    deviceId: text('device_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    ts: tstz('ts').notNull(),
    prevSeq: bigint('prev_seq', { mode: 'number' }),
    prevTs: tstz('prev_ts'),
  },
  (t) => [
    primaryKey({ name: 'device_seq_cursors_pkey', columns: [t.deviceId] }),
    ownedByDevice('device_seq_cursors_device_fk', t),
  ],
);

/**
 * Sequence numbers a device skipped: `from_seq..to_seq` (inclusive) between its readings at
 * `after_ts` and `before_ts`. `filled_at` is set when a backfill delivered (part of) the range;
 * what is still missing then lives on in new rows that keep the original `detected_at`.
 */
export const deviceSeqGaps = pgTable(
  'device_seq_gaps',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text('tenant_id').notNull(),
    deviceId: text('device_id').notNull(),
    fromSeq: bigint('from_seq', { mode: 'number' }).notNull(),
    toSeq: bigint('to_seq', { mode: 'number' }).notNull(),
    afterTs: tstz('after_ts').notNull(),
    beforeTs: tstz('before_ts').notNull(),
    detectedAt: tstz('detected_at').notNull().defaultNow(),
    filledAt: tstz('filled_at'),
  },
  (t) => [
    ownedByDevice('device_seq_gaps_device_fk', t),
    // Ingest looks up only the open gaps of one device; closed ones are history.
    index('device_seq_gaps_device_id_open_idx')
      .on(t.deviceId, t.fromSeq)
      .where(sql`${t.filledAt} is null`),
    index('device_seq_gaps_tenant_id_device_id_idx').on(t.tenantId, t.deviceId, t.detectedAt),
    check('device_seq_gaps_range_check', sql`${t.fromSeq} <= ${t.toSeq}`),
  ],
);
