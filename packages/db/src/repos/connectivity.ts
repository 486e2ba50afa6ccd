import type { Connectivity } from '@anythingiot/core';
import { type SQL, sql } from 'drizzle-orm';
import { alerts, devices } from '../schema/index.js';

/** What connectivity is judged with besides the device itself: the instant and the factor. */
export type ConnectivityClock = {
  /** Unix ms, the caller's clock (the same instant its pages judge with). */
  now: number;
  /** OFFLINE_AFTER_INTERVALS. */
  offlineFactor: number;
};

/** An ongoing offline alert on the statement's `devices` row: the sweep's standing judgement. */
export const offlineAlertOpen = sql<boolean>`exists (select 1 from ${alerts} a
  where a.tenant_id = ${devices.tenantId} and a.device_id = ${devices.id}
    and a.kind = 'offline' and a.status <> 'resolved' and a.ended_at is null)`;

/**
 * Core's `deviceConnectivity` of the statement's `devices` row, in SQL, for what must be decided
 * in the WHERE or counted in Postgres (the list's status filter, the overview's tiles) — so a
 * filter never disagrees with the badge the same page draws. Same precedence (revoked, open
 * alert, never reported, silence) and the silence test in the same float8 arithmetic as
 * `offlineState` (last seen in ms + interval × factor × 1000, compared with now, operation for
 * operation): the two agree to the millisecond, which connectivity.test.ts checks.
 */
export function connectivityOf({ now, offlineFactor }: ConnectivityClock): SQL<Connectivity> {
  if (!Number.isFinite(now) || !(offlineFactor >= 1)) {
    throw new RangeError('now must be finite and offlineFactor ≥ 1');
  }
  // last_seen_at is timestamptz(3): whole ms, exactly what the JS Date core is given holds.
  const lastSeenMs = sql`round(extract(epoch from ${devices.lastSeenAt}) * 1000)::float8`;
  const limitMs = sql`${devices.expectedIntervalSeconds}::float8 * ${offlineFactor}::float8 * 1000::float8`;
  return sql<Connectivity>`(case
    when ${devices.status} = 'revoked' then 'revoked'
    when ${offlineAlertOpen} then 'offline'
    when ${devices.lastSeenAt} is null then 'never_reported'
    when ${now}::float8 >= ${lastSeenMs} + ${limitMs} then 'offline'
    else 'online' end)`;
}
