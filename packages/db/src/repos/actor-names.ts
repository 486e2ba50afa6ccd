import type { Actor } from '@anythingiot/core';
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../client.js';
import { apiKeys, devices, memberships, users } from '../schema/index.js';
import { type FacilityScope, inFacilities } from './facility-scope.js';

/**
 * Display names for the actors of timelines and audit entries, keyed `type:id`: a user's name
 * (or email) if they are or were a member of this tenant, an API key's or a device's name if it
 * belongs to it (and, for devices, to the caller's facility scope). Anyone else — another
 * tenant's user, an id that never existed — simply gets no name, so nothing leaks across tenants.
 */
export async function actorNames(
  db: Database,
  tenantId: string,
  actors: readonly Actor[],
  scope: FacilityScope = {},
): Promise<Map<string, string>> {
  const ids = (type: Actor['type']) => [
    ...new Set(actors.filter((a) => a.type === type).map((a) => a.id)),
  ];
  const [userIds, keyIds, deviceIds] = [ids('user'), ids('apiKey'), ids('device')];
  const [userRows, keyRows, deviceRows] = await Promise.all([
    userIds.length === 0
      ? []
      : db
          .select({ id: users.id, name: users.name, email: users.email })
          .from(users)
          .innerJoin(
            memberships,
            and(eq(memberships.userId, users.id), eq(memberships.tenantId, tenantId)),
          )
          .where(inArray(users.id, userIds)),
    keyIds.length === 0
      ? []
      : db
          .select({ id: apiKeys.id, name: apiKeys.name })
          .from(apiKeys)
          .where(and(eq(apiKeys.tenantId, tenantId), inArray(apiKeys.id, keyIds))),
    deviceIds.length === 0
      ? []
      : db
          .select({ id: devices.id, name: devices.name })
          .from(devices)
          .where(
            and(
              eq(devices.tenantId, tenantId),
              inArray(devices.id, deviceIds),
              inFacilities(devices.facilityId, scope),
            ),
          ),
  ]);
  const names = new Map<string, string>();
  for (const u of userRows) names.set(`user:${u.id}`, u.name || u.email);
  for (const k of keyRows) names.set(`apiKey:${k.id}`, k.name);
  for (const d of deviceRows) names.set(`device:${d.id}`, d.name);
  return names;
}
