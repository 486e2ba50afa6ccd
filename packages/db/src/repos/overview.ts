import { and, eq, ne, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { alerts, deviceLatest, devices } from '../schema/index.js';
import { type FacilityScope, inFacilities } from './facility-scope.js';

/** The devices of one facility (or of none: `facilityId` null), counted by state. */
export type FacilityDeviceSummary = {
  facilityId: string | null;
  /** Reporting, with no ongoing offline alert. */
  online: number;
  /** An ongoing offline alert: the same judgement the per-minute sweep makes. */
  offline: number;
  /** Registered but never reported (not offline: it never started). */
  waiting: number;
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
    async devicesByFacility(): Promise<FacilityDeviceSummary[]> {
      const offline = sql<boolean>`exists (select 1 from ${alerts} a
        where a.tenant_id = ${devices.tenantId} and a.device_id = ${devices.id}
          and a.kind = 'offline' and a.status <> 'resolved' and a.ended_at is null)`;
      const rows = await db
        .select({
          facilityId: devices.facilityId,
          online: sql<number>`count(*) filter (where ${devices.lastSeenAt} is not null and not ${offline})::int`,
          offline: sql<number>`count(*) filter (where ${offline})::int`,
          waiting: sql<number>`count(*) filter (where ${devices.lastSeenAt} is null and not ${offline})::int`,
          minTemperature: sql<
            number | null
          >`min(${deviceLatest.value}) filter (where not ${offline})`,
          maxTemperature: sql<
            number | null
          >`max(${deviceLatest.value}) filter (where not ${offline})`,
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
