import type { MemberCandidate } from '@anythingiot/core';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import {
  membershipFacilities,
  memberships,
  notificationPreferences,
  users,
} from '../schema/index.js';
import { prefsFromRow } from './notification-preferences.js';

/** Tenant members as notification candidates; the choice among them is core's (pure). */
export function recipientRepo(db: Database, tenantId: string) {
  return {
    /**
     * Every member of the tenant with role, facility limits, preferences and phone, in one
     * round trip. Deactivated members and disabled users come back `active: false` so the
     * selection, not the query, is the one place that decides who is reachable.
     */
    async members(): Promise<MemberCandidate[]> {
      const rows = await db
        .select({
          userId: users.id,
          email: users.email,
          role: memberships.role,
          deactivatedAt: memberships.deactivatedAt,
          disabledAt: users.disabledAt,
          facilityIds: sql<string[]>`coalesce(
            (select array_agg(${membershipFacilities.facilityId}) from ${membershipFacilities}
             where ${membershipFacilities.tenantId} = ${memberships.tenantId}
               and ${membershipFacilities.membershipId} = ${memberships.id}),
            '{}')`,
          prefs: notificationPreferences,
        })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .leftJoin(
          notificationPreferences,
          and(
            eq(notificationPreferences.tenantId, memberships.tenantId),
            eq(notificationPreferences.userId, memberships.userId),
          ),
        )
        .where(eq(memberships.tenantId, tenantId))
        .orderBy(memberships.createdAt, memberships.id);
      return rows.map((r) => {
        const prefs = r.prefs ? prefsFromRow(r.prefs) : null;
        return {
          userId: r.userId,
          email: r.email,
          role: r.role,
          active: r.deactivatedAt === null && r.disabledAt === null,
          facilityIds: r.facilityIds,
          prefs: prefs && {
            channels: prefs.channels,
            quietHours: prefs.quietHours,
            timeZone: prefs.timeZone,
          },
          phone: prefs?.phone ?? null,
        };
      });
    },

    /** Whether the user is an active member of this tenant. */
    async isActiveMember(userId: string): Promise<boolean> {
      const [row] = await db
        .select({ id: memberships.id })
        .from(memberships)
        .where(
          and(
            eq(memberships.tenantId, tenantId),
            eq(memberships.userId, userId),
            isNull(memberships.deactivatedAt),
          ),
        );
      return row !== undefined;
    },
  };
}
