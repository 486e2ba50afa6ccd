import type { Actor, Role, TEMPERATURE_UNITS } from '@anythingiot/core';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { memberships, tenants, users } from '../schema/index.js';
import { appendAudit, type Executor } from './audit.js';
import { membershipFacilityIds } from './members.js';

type TemperatureUnit = (typeof TEMPERATURE_UNITS)[number];

export type UserRow = typeof users.$inferSelect;

export async function findUserByEmail(exec: Executor, email: string): Promise<UserRow | null> {
  const [row] = await exec
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
    .limit(1);
  return row ?? null;
}

export type ActiveMembership = {
  membershipId: string;
  tenantId: string;
  role: Role;
  facilityIds: string[];
};

/** The user's active membership in the tenant, with its facilities; null when none. */
export async function activeMembership(
  exec: Executor,
  userId: string,
  tenantId: string,
): Promise<ActiveMembership | null> {
  const [m] = await exec
    .select({ id: memberships.id, role: memberships.role })
    .from(memberships)
    .where(
      and(
        eq(memberships.tenantId, tenantId),
        eq(memberships.userId, userId),
        isNull(memberships.deactivatedAt),
      ),
    );
  if (!m) return null;
  return {
    membershipId: m.id,
    tenantId,
    role: m.role,
    facilityIds: await membershipFacilityIds(exec, tenantId, m.id),
  };
}

/** Tenants where the user has an active membership, oldest membership first. */
export async function activeTenantIds(exec: Executor, userId: string): Promise<string[]> {
  const rows = await exec
    .select({ tenantId: memberships.tenantId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), isNull(memberships.deactivatedAt)))
    .orderBy(asc(memberships.createdAt), asc(memberships.id));
  return rows.map((r) => r.tenantId);
}

/** An audit entry about a user, with who, which request and when. */
export type UserAuditEntry = {
  actor: Actor;
  action: string;
  target: { type: string; id: string };
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  requestId: string | null;
  at: Date;
};

/**
 * User-level events (login, password reset, email verified, profile) belong to no single
 * tenant: they are recorded in the chain of every tenant the user is an active member of.
 */
export async function auditForUser(
  tx: Executor,
  userId: string,
  entry: UserAuditEntry,
): Promise<void> {
  for (const tenantId of await activeTenantIds(tx, userId)) {
    await appendAudit(
      tx,
      {
        actor: entry.actor,
        action: entry.action,
        target: entry.target,
        before: entry.before ?? null,
        after: entry.after ?? null,
        reason: entry.reason ?? null,
        requestId: entry.requestId,
        at: entry.at,
      },
      tenantId,
    );
  }
}

/** The signed-in person's own settings beside the active company's unit. */
export type Profile = {
  name: string;
  email: string;
  emailVerified: boolean;
  /** The person's own °C/°F, or null when they follow the company's. */
  temperatureUnit: TemperatureUnit | null;
  /** The active company's unit, what null means here. */
  companyTemperatureUnit: TemperatureUnit;
};

/** A company the user is an active member of (the tenant switcher's list). */
export type UserTenant = {
  tenantId: string;
  name: string;
  slug: string;
  role: Role;
  membershipId: string;
};

/**
 * What a signed-in user reads and changes about themselves. The user id comes from the
 * session; the only tenant rows read are the user's own memberships' companies.
 */
export function userRepo(db: Database, userId: string) {
  return {
    /** Their profile in the given (active, membership-checked) tenant; null when either is gone. */
    async profile(tenantId: string): Promise<Profile | null> {
      const [row] = await db
        .select({
          name: users.name,
          email: users.email,
          emailVerifiedAt: users.emailVerifiedAt,
          temperatureUnit: users.temperatureUnit,
          companyTemperatureUnit: tenants.temperatureUnit,
        })
        .from(users)
        .innerJoin(tenants, eq(tenants.id, tenantId))
        .where(eq(users.id, userId));
      if (!row) return null;
      const { emailVerifiedAt, ...rest } = row;
      return { ...rest, emailVerified: emailVerifiedAt !== null };
    },

    /**
     * Sets the display name and, when given, the temperature unit (null follows each
     * company's), audited with before and after in each of their tenants. `undefined` when the
     * user is gone; `changed: false` (nothing written) when nothing differs.
     */
    updateProfile(
      patch: { name: string; temperatureUnit: TemperatureUnit | null | undefined },
      meta: { actor: Actor; requestId: string | null; at: Date },
    ): Promise<{ changed: boolean } | undefined> {
      return db.transaction(async (tx) => {
        const [before] = await tx
          .select({ name: users.name, temperatureUnit: users.temperatureUnit })
          .from(users)
          .where(eq(users.id, userId))
          .for('update');
        if (!before) return undefined;
        const after = {
          name: patch.name,
          temperatureUnit:
            patch.temperatureUnit === undefined ? before.temperatureUnit : patch.temperatureUnit,
        };
        if (before.name === after.name && before.temperatureUnit === after.temperatureUnit) {
          return { changed: false };
        }
        await tx
          .update(users)
          .set({ ...after, updatedAt: meta.at })
          .where(eq(users.id, userId));
        await auditForUser(tx, userId, {
          ...meta,
          action: 'user.update',
          target: { type: 'user', id: userId },
          before,
          after,
        });
        return { changed: true };
      });
    },

    /** The companies they are an active member of, by name. */
    tenants(): Promise<UserTenant[]> {
      return db
        .select({
          tenantId: tenants.id,
          name: tenants.name,
          slug: tenants.slug,
          role: memberships.role,
          membershipId: memberships.id,
        })
        .from(memberships)
        .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
        .where(and(eq(memberships.userId, userId), isNull(memberships.deactivatedAt)))
        .orderBy(asc(tenants.name), asc(tenants.id));
    },

    /** Records a user-level event in each of their tenants, in its own transaction. */
    audit(entry: UserAuditEntry): Promise<void> {
      return db.transaction((tx) => auditForUser(tx, userId, entry));
    },
  };
}
