import { and, eq, ne, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { alerts, deviceLatest, devices } from '../schema/index.js';
import { type ConnectivityClock, connectivityOf } from './connectivity.js';
import { type FacilityScope, inFacilities } from './facility-scope.js';

/** The devices of one facility (or of none: `facilityId` null), counted by state. */
export type FacilityDeviceSummary = {
  facilityId: string | null;
  /** Counted by core's `deviceConnectivity`, the rule every device badge shows. */
  online: number;
  /** An ongoing offline alert, or silent for longer than expected interval × factor. */
  offline: number;
  /** Registered but never reported (not offline: it never started). */
  neverReported: number;
  /** Lowest and highest latest temperature (°C) of the devices that are not offline. */
  minTemperature: number | null;
  maxTemperature: number | null;
};

/** Unresolved alerts of one facility, counted by status and severity. */
export type FacilityAlertCount = {
  facilityId: string | null;
  status: 'active' | 'acknowledged';
  severity: 'info' | 'warning' | 'critical';
  count: number;
};

/**
 * What the overview tiles show, aggregated in Postgres (two grouped statements) so a tenant
 * with thousands of devices still answers in one small result. Revoked devices are left out;
 * the facility scope is in every WHERE, like the other repositories.
 */
export function overviewRepo(db: Database, tenantId: string, scope: FacilityScope = {}) {
  return {
    /** The tiles' device counts, each device judged at `clock` like its badge. */
    async devicesByFacility(clock: ConnectivityClock): Promise<FacilityDeviceSummary[]> {
      const state = connectivityOf(clock);
      const rows = await db
        .select({
          facilityId: devices.facilityId,
          online: sql<number>`count(*) filter (where ${state} = 'online')::int`,
          offline: sql<number>`count(*) filter (where ${state} = 'offline')::int`,
          neverReported: sql<number>`count(*) filter (where ${state} = 'never_reported')::int`,
          minTemperature: sql<
            number | null
          >`min(${deviceLatest.value}) filter (where ${state} <> 'offline')`,
          maxTemperature: sql<
            number | null
          >`max(${deviceLatest.value}) filter (where ${state} <> 'offline')`,
        })
        .from(devices)
        .leftJoin(
          deviceLatest,
          and(
            eq(deviceLatest.tenantId, devices.tenantId),
            eq(deviceLatest.deviceId, devices.id),
            eq(deviceLatest.metric, 'temperature'),
          ),
        )
        .where(
          and(
            eq(devices.tenantId, tenantId),
            eq(devices.status, 'active'),
            inFacilities(devices.facilityId, scope),
          ),
        )
        .groupBy(devices.facilityId);
      return rows.map((r) => ({
        ...r,
        minTemperature: r.minTemperature === null ? null : Number(r.minTemperature),
        maxTemperature: r.maxTemperature === null ? null : Number(r.maxTemperature),
      }));
    },

    alertsByFacility(): Promise<FacilityAlertCount[]> {
      return db
        .select({
          facilityId: alerts.facilityId,
          status: sql<'active' | 'acknowledged'>`${alerts.status}`,
          severity: alerts.severity,
          count: sql<number>`count(*)::int`,
        })
        .from(alerts)
        .where(
          and(
            eq(alerts.tenantId, tenantId),
            ne(alerts.status, 'resolved'),
            inFacilities(alerts.facilityId, scope),
          ),
        )
        .groupBy(alerts.facilityId, alerts.status, alerts.severity);
    },
  };
}
