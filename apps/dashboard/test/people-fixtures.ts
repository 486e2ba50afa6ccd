// Helpers for the accounts and people pages' tests: members created on the side (so the
// harness's seeded ones stay as they are for other tests), the mail catcher, and a snapshot of
// every table these pages write, for "refused and wrote nothing".

import { randomBytes } from 'node:crypto';
import {
  type AccountsContext,
  accountsDeps,
  scryptHasher,
  sessionAuth,
} from '@anythingiot/accounts';
import { newId, type Role } from '@anythingiot/core';
import { type Database, schema } from '@anythingiot/db';
import { mailTo } from '@anythingiot/devstack/testing';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { dashboardEnv } from '../app/server/env.server';
import { APP_URL, type Company, type Dashboard, type Member } from './harness';

export type ExtraMember = Member & { membershipId: string };

/**
 * A new member of `company` with its own session (and, given one, a password), inserted the
 * way the harness seeds its members; operators and vendors get `facilityIds`.
 */
export async function addMember(
  t: Dashboard,
  company: Company,
  role: Role,
  options: { facilityIds?: string[]; password?: string; verified?: boolean } = {},
): Promise<ExtraMember> {
  const userId = newId('user');
  const email = `${role}-${randomBytes(4).toString('hex')}@people.test`;
  await t.db.insert(schema.users).values({
    id: userId,
    email,
    name: `Extra ${role}`,
    emailVerifiedAt: options.verified === false ? null : new Date(),
    passwordHash: options.password ? await scryptHasher().hash(options.password) : null,
  });
  const membershipId = newId('membership');
  await t.db
    .insert(schema.memberships)
    .values({ id: membershipId, tenantId: company.tenantId, userId, role });
  const facilityIds =
    options.facilityIds ?? (['operator', 'vendor'].includes(role) ? [company.facilityIds[0]] : []);
  for (const facilityId of facilityIds) {
    await t.db
      .insert(schema.membershipFacilities)
      .values({ tenantId: company.tenantId, membershipId, facilityId });
  }
  const session = await sessionAuth(t.db, APP_URL).start(userId, company.tenantId);
  return { role, userId, email, membershipId, cookie: session.cookie.split(';')[0]! };
}

/** Another session for the same person (a second device). */
export async function secondSession(t: Dashboard, member: Member, tenantId: string) {
  const session = await sessionAuth(t.db, APP_URL).start(member.userId, tenantId);
  return { ...member, cookie: session.cookie.split(';')[0]! };
}

/** An accounts context as the dashboard builds it, for setting up state through use cases. */
export function accountsCtx(t: Dashboard): AccountsContext {
  return {
    deps: accountsDeps(dashboardEnv(t.env), t.db),
    requestId: newId('request'),
    ip: '127.0.0.1',
  };
}

export { mailTo };

/** The token of the `path` link in the newest email to `to`. */
export async function tokenFromMail(to: string, path: string): Promise<string> {
  const [mail] = await mailTo(to);
  expect(mail, `an email to ${to}`).toBeDefined();
  const match = new RegExp(`${APP_URL}${path}\\?token=([A-Za-z0-9_-]{43})`).exec(
    mail?.payload.text ?? '',
  );
  expect(match, `a ${path} link in the email to ${to}`).not.toBeNull();
  return match![1]!;
}

const TABLES = [
  'users',
  'memberships',
  'membership_facilities',
  'invitations',
  'account_tokens',
  'sessions',
  'audit_log',
] as const;

/**
 * Row counts and a digest of the contents of every table the people pages write: equal
 * snapshots before and after a refused request mean it wrote nothing (an UPDATE included).
 */
export async function snapshot(db: Database): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  for (const table of TABLES) {
    const r = await db.execute(
      sql.raw(
        `select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as d from ${table} t`,
      ),
    );
    const row = r.rows[0] as { n: number; d: string };
    out[table] = row.n;
    out[`${table}.digest`] = row.d;
  }
  return out;
}
