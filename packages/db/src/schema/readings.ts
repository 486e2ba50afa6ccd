import {
  type AnyPgColumn,
  bigint,
  doublePrecision,
  foreignKey,
  integer,
  pgTable,
  primaryKey,
  text,
} from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';
import { devices } from './devices.js';

/** Rows that belong to a device: the composite key keeps them inside the device's tenant. */
export const ownedByDevice = (name: string, t: { tenantId: AnyPgColumn; deviceId: AnyPgColumn }) =>
  foreignKey({
    name,
    columns: [t.tenantId, t.deviceId],
    foreignColumns: [devices.tenantId, devices.id],
  }).onDelete('cascade');

/**
 * Every data point, identified by (device, metric, event time): a retry or backfill of the same
 * reading conflicts and changes nothing. Range-partitioned by month on `ts` (see migration
 * 0002): a device's range query touches only the months it asks for, and old months can be
 * detached or archived whole. `received_at` keeps the server's receipt time beside event time.
 */
export const readings = pgTable(
  'readings',
  {
    tenantId: text('tenant_id').notNull(),
    deviceId: text('device_id').notNull(),
    metric: text('metric').notNull(),
    ts: tstz('ts').notNull(),
    value: doublePrecision('value').notNull(),
    seq: bigint('seq', { mode: 'number' }),
    receivedAt: tstz('received_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'readings_pkey', columns: [t.deviceId, t.metric, t.ts] }),
    ownedByDevice('readings_device_fk', t),
  ],
);

/**
 * Per-minute aggregates kept up to date by the ingest statement itself; 5-minute, hourly and
 * daily views sum them. `arrheniusSum` = Σ exp(-ΔH/RT) of temperature readings, so mean kinetic
 * temperature over any range is exact from the rollups.
 */
export const rollups1m = pgTable(
  'rollups_1m',
  {
    tenantId: text('tenant_id').notNull(),
    deviceId: text('device_id').notNull(),
    metric: text('metric').notNull(),
    bucket: tstz('bucket').notNull(),
    count: integer('count').notNull(),
    min: doublePrecision('min').notNull(),
    max: doublePrecision('max').notNull(),
    sum: doublePrecision('sum').notNull(),
    arrheniusSum: doublePrecision('arrhenius_sum').notNull(),
  },
  (t) => [
    primaryKey({ name: 'rollups_1m_pkey', columns: [t.deviceId, t.metric, t.bucket] }),
    ownedByDevice('rollups_1m_device_fk', t),
  ],
);

/** The newest value of each metric of each device (by event time, not arrival). */
export const deviceLatest = pgTable(
  'device_latest',
  {
    tenantId: text('tenant_id').notNull(),
    deviceId: text('device_id').notNull(),
    metric: text('metric').notNull(),
    ts: tstz('ts').notNull(),
    value: doublePrecision('value').notNull(),
    seq: bigint('seq', { mode: 'number' }),
    receivedAt: tstz('received_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'device_latest_pkey', columns: [t.deviceId, t.metric] }),
    ownedByDevice('device_latest_device_fk', t),
  ],
);
