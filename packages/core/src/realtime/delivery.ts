import { type Action, can } from '../tenancy/permissions.js';
import type { Role } from '../tenancy/roles.js';
import type { LiveEvent, LiveEventType, ReadingsEvent } from './messages.js';

/** The permission a member needs to receive each kind of event (facility scope comes on top). */
export const LIVE_EVENT_PERMISSION: Readonly<Record<LiveEventType, Action>> = {
  readings: 'device.read',
  device_status: 'device.read',
  alert: 'alert.read',
  command_status: 'device.read',
};

/** Who is on the other end of a connection: from the verified token, never from the client. */
export type LiveAudience = { role: Role; facilityIds: readonly string[] | null };

/** What the connection asked for. */
export type LiveSubscription = {
  facilityIds: readonly string[] | 'all';
  deviceIds: readonly string[];
};

/**
 * True when the event may go to this connection: its role has the event's permission, the
 * event's facility is in the member's scope (a limited member never sees a device without a
 * facility), and the connection subscribed to the facility or the device.
 */
export function mayDeliver(
  event: LiveEvent,
  audience: LiveAudience,
  subscription: LiveSubscription,
): boolean {
  if (!can(audience.role, LIVE_EVENT_PERMISSION[event.type])) return false;
  const { deviceId, facilityId } = eventTarget(event);
  if (audience.facilityIds !== null) {
    if (facilityId === null || !audience.facilityIds.includes(facilityId)) return false;
  }
  if (subscription.facilityIds === 'all') return true;
  return (
    (facilityId !== null && subscription.facilityIds.includes(facilityId)) ||
    subscription.deviceIds.includes(deviceId)
  );
}

/** The device and facility an event is about. */
export function eventTarget(event: LiveEvent): { deviceId: string; facilityId: string | null } {
  return event.type === 'alert' ? event.alert : event;
}

/**
 * What a connection asked for, cut down to what it may see: facilities outside a limited
 * member's scope are dropped (they would never be delivered anyway; saying so tells the client).
 */
export function effectiveSubscription(
  requested: LiveSubscription,
  audience: LiveAudience,
): LiveSubscription {
  const scope = audience.facilityIds;
  if (scope === null || requested.facilityIds === 'all') {
    return { facilityIds: requested.facilityIds, deviceIds: [...new Set(requested.deviceIds)] };
  }
  return {
    facilityIds: [...new Set(requested.facilityIds.filter((f) => scope.includes(f)))],
    deviceIds: [...new Set(requested.deviceIds)],
  };
}

/**
 * Merges a newer readings event into a pending one for a slow connection: the newest value per
 * metric wins by event time, points are dropped (the message says `coalesced`), and the commit
 * time is the latest. What the slow reader then gets is one message per device, not a backlog.
 */
export function coalesceReadings(
  pending: ReadingsEvent | undefined,
  next: ReadingsEvent,
): ReadingsEvent {
  const latest = { ...(pending?.latest ?? {}) };
  for (const [metric, point] of Object.entries(next.latest)) {
    const held = latest[metric];
    if (!held || point.ts >= held.ts) latest[metric] = point;
  }
  return {
    type: 'readings',
    deviceId: next.deviceId,
    facilityId: next.facilityId,
    acceptedAt: Math.max(pending?.acceptedAt ?? 0, next.acceptedAt),
    latest,
    points: [],
    coalesced: true,
  };
}

/** The readings event of one committed batch: every point, and the newest per metric. */
export function readingsEvent(input: {
  deviceId: string;
  facilityId: string | null;
  acceptedAt: number;
  rows: readonly { metric: string; ts: number; value: number }[];
}): ReadingsEvent {
  const latest: ReadingsEvent['latest'] = {};
  const points = input.rows.map((r) => ({ metric: r.metric, ts: r.ts, value: r.value }));
  for (const p of points) {
    const held = latest[p.metric];
    if (!held || p.ts >= held.ts) latest[p.metric] = { ts: p.ts, value: p.value };
  }
  return {
    type: 'readings',
    deviceId: input.deviceId,
    facilityId: input.facilityId,
    acceptedAt: input.acceptedAt,
    latest,
    points,
  };
}
