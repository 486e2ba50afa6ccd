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
    /**
     * Temperature only: the time this reading represents for MKT (core's MKT_WEIGHTING) — until
     * the device's next reading, at most expected interval × HELD_GAP_FACTOR; the newest one
     * interval until its successor arrives, when the ingest statement sets the real value.
     */
    heldMs: doublePrecision('held_ms'),
    receivedAt: tstz('received_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'readings_pkey', columns: [t.deviceId, t.metric, t.ts] }),
    ownedByDevice('readings_device_fk', t),
  ],
);

/**
 * Per-minute aggregates kept up to date by the ingest statement itself; 5-minute, hourly and
 * daily views fold them. For temperature, the time-weighted MKT state of the bucket's readings
 * in log-sum-exp form (core's MktParts): `heldMs` = Σ wᵢ, `arrheniusMax` = max −ΔH/RTᵢ,
 * `arrheniusHeld` = Σ wᵢ·e^(−ΔH/RTᵢ − arrheniusMax) — so MKT over any range of whole buckets is
 * exactly the MKT of the readings in it.
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
    heldMs: doublePrecision('held_ms').notNull().default(0),
    arrheniusMax: doublePrecision('arrhenius_max'),
    arrheniusHeld: doublePrecision('arrhenius_held').notNull().default(0),
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
