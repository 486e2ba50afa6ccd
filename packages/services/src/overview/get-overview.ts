import {
  type Alert,
  alertRepo,
  type Facility,
  type FacilityAlertCount,
  type FacilityDeviceSummary,
  facilityRepo,
  overviewRepo,
} from '@anythingiot/db';
import type { TenantCtx } from '../context.js';
import { getTenantPreferences } from '../tenant/get-preferences.js';

type Severity = Alert['severity'];

/** One tile of the overview: a facility (or the devices in none) and how it is doing. */
export type FacilityTile = {
  /** Null for the tile of devices not assigned to any facility (unlimited callers only). */
  facility: Pick<Facility, 'id' | 'name' | 'type' | 'timeZone'> | null;
  devices: Omit<FacilityDeviceSummary, 'facilityId'>;
  /** The most severe alert nobody has acknowledged yet; null when there is none. */
  worstActiveSeverity: Severity | null;
  activeAlerts: number;
  /** Acknowledged but not resolved: someone is on it, the condition may still last. */
  acknowledgedAlerts: number;
};

export type Overview = {
  temperatureUnit: 'C' | 'F';
  timeZone: string;
  tiles: FacilityTile[];
  /** Unacknowledged alerts, newest first (at most `limit`). */
  activeAlerts: Alert[];
  /** True when there are more active alerts than listed. */
  moreActiveAlerts: boolean;
};

const RANK: Record<Severity, number> = { info: 1, warning: 2, critical: 3 };

/** Of two severities, the worse. */
function worse(a: Severity | null, b: Severity): Severity {
  return a !== null && RANK[a] >= RANK[b] ? a : b;
}

const NO_DEVICES = {
  online: 0,
  offline: 0,
  neverReported: 0,
  minTemperature: null,
  maxTemperature: null,
};

/**
 * The operator's first screen: a tile per facility the caller may see, coloured by its worst
 * unacknowledged alert, with the current temperature range (°C) and devices online/offline
 * (counted by core's `deviceConnectivity`, so a tile agrees with the badges one click away),
 * and the newest unacknowledged alerts. Everything goes through the caller's facility scope.
 */
export async function getOverview({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { alertLimit: number };
}): Promise<Overview> {
  const overview = overviewRepo(ctx.db, ctx.tenantId, ctx);
  const [preferences, facilities, devices, counts, active] = await Promise.all([
    getTenantPreferences({ ctx }),
    facilityRepo(ctx.db, ctx.tenantId, ctx).list(),
    overview.devicesByFacility({ now: ctx.ports.now(), offlineFactor: ctx.ports.offlineFactor }),
    overview.alertsByFacility(),
    alertRepo(ctx.db, ctx.tenantId, ctx).list(
      { status: 'active' },
      { limit: input.alertLimit + 1 },
    ),
  ]);
  const tile = (facility: FacilityTile['facility']): FacilityTile => {
    const id = facility?.id ?? null;
    const { facilityId: _, ...summary } = devices.find((d) => d.facilityId === id) ?? {
      facilityId: id,
      ...NO_DEVICES,
    };
    return {
      facility,
      devices: summary,
      ...alertSummary(counts.filter((c) => c.facilityId === id)),
    };
  };
  const tiles = facilities.map((f) =>
    tile({ id: f.id, name: f.name, type: f.type, timeZone: f.timeZone }),
  );
  // Devices (and their alerts) in no facility would otherwise be on no tile at all.
  const unassigned = tile(null);
  const hasUnassigned =
    devices.some((d) => d.facilityId === null) || counts.some((c) => c.facilityId === null);
  if (hasUnassigned) tiles.push(unassigned);
  return {
    temperatureUnit: preferences.temperatureUnit,
    timeZone: preferences.timeZone,
    tiles,
    activeAlerts: active.slice(0, input.alertLimit),
    moreActiveAlerts: active.length > input.alertLimit,
  };
}

function alertSummary(counts: FacilityAlertCount[]) {
  let worstActiveSeverity: Severity | null = null;
  let activeAlerts = 0;
  let acknowledgedAlerts = 0;
  for (const c of counts) {
    if (c.status === 'active') {
      activeAlerts += c.count;
      worstActiveSeverity = worse(worstActiveSeverity, c.severity);
    } else acknowledgedAlerts += c.count;
  }
  return { worstActiveSeverity, activeAlerts, acknowledgedAlerts };
}
