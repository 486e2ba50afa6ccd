import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { scryptHasher } from '@anythingiot/accounts';
import { newId, type Role } from '@anythingiot/core';
import { type Database, schema } from '@anythingiot/db';
import { and, eq, sql } from 'drizzle-orm';
import type { DemoFile } from './demo-seed.js';

/** Who can log in to the demo tenant: one person per kind of work worth trying. */
export const DEMO_LOGINS: readonly { email: string; role: Role; limitedTo?: 'first' }[] = [
  { email: 'owner@demo-pharma.example', role: 'owner' },
  // Limited to the first facility: shows what facility scope hides.
  { email: 'operator@demo-pharma.example', role: 'operator', limitedTo: 'first' },
  { email: 'auditor@demo-pharma.example', role: 'auditor' },
];

export type DemoLogins = { password: string; logins: typeof DEMO_LOGINS };

/**
 * Gives the demo people a password (generated once per data directory and kept, mode 0600,
 * beside the device secrets), confirmed emails and their memberships. Idempotent: an existing
 * user keeps their id; the password is set to the saved one on every start.
 */
export async function seedDemoLogins(
  db: Database,
  demo: DemoFile,
  passwordFile: string,
): Promise<DemoLogins> {
  const password = await savedPassword(passwordFile);
  const passwordHash = await scryptHasher().hash(password);
  const tenantId = demo.tenant.id;
  for (const login of DEMO_LOGINS) {
    const [existing] = await db
      .select({ id: schema.users.id })
      .from(schema.users)
      .where(sql`lower(${schema.users.email}) = ${login.email}`);
    const userId = existing?.id ?? newId('user');
    const name = `Demo ${login.role[0]!.toUpperCase()}${login.role.slice(1)}`;
    if (existing) {
      await db
        .update(schema.users)
        .set({
          passwordHash,
          emailVerifiedAt: sql`coalesce(${schema.users.emailVerifiedAt}, now())`,
        })
        .where(eq(schema.users.id, userId));
    } else {
      await db.insert(schema.users).values({
        id: userId,
        email: login.email,
        name,
        passwordHash,
        emailVerifiedAt: new Date(),
      });
    }
    const [member] = await db
      .select({ id: schema.memberships.id })
      .from(schema.memberships)
      .where(and(eq(schema.memberships.tenantId, tenantId), eq(schema.memberships.userId, userId)));
    if (member) continue;
    const membershipId = newId('membership');
    await db
      .insert(schema.memberships)
      .values({ id: membershipId, tenantId, userId, role: login.role });
    const first = demo.facilities[0];
    if (login.limitedTo === 'first' && first) {
      await db
        .insert(schema.membershipFacilities)
        .values({ tenantId, membershipId, facilityId: first.id });
    }
  }
  return { password, logins: DEMO_LOGINS };
}

async function savedPassword(path: string): Promise<string> {
  try {
    const saved = JSON.parse(await readFile(path, 'utf8')) as { password?: unknown };
    if (typeof saved.password === 'string' && saved.password.length >= 12) return saved.password;
  } catch {
    // Missing or unreadable: a new one below.
  }
  const password = `demo-${randomBytes(9).toString('base64url')}`;
  await writeFile(path, `${JSON.stringify({ password }, null, 2)}\n`, { mode: 0o600 });
  return password;
}
