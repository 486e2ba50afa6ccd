import { type Actor, type Industry, newId } from '@anythingiot/core';
import { asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { tenants, users } from '../schema/index.js';
import { appendAudit } from './audit.js';

export type NewTenant = {
  name: string;
  slug: string;
  industry?: Industry;
  timeZone?: string;
  temperatureUnit?: 'C' | 'F';
};

export type Tenant = typeof tenants.$inferSelect;

/** Creates a tenant and its first audit entry in one transaction (platform-level operation). */
export async function createTenant(db: Database, input: NewTenant, actor: Actor): Promise<Tenant> {
  return db.transaction(async (tx) => {
    const [tenant] = await tx
      .insert(tenants)
      .values({ id: newId('tenant'), ...input })
      .returning();
    if (!tenant) throw new Error('insert returned no row');
    await appendAudit(
      tx,
      {
        actor,
        action: 'tenant.create',
        target: { type: 'tenant', id: tenant.id },
        before: null,
        after: input,
        reason: null,
        requestId: null,
        at: new Date(),
      },
      tenant.id,
    );
    return tenant;
  });
}

/** Every tenant, oldest first: for platform operators (admin CLI), never for tenant users. */
export function listTenants(db: Database): Promise<Tenant[]> {
  return db.select().from(tenants).orderBy(asc(tenants.createdAt));
}

/** How data is shown: times in the tenant's zone, temperatures in the viewer's unit or else the tenant's. */
export async function tenantPreferences(
  db: Database,
  tenantId: string,
  /** The person looking, whose own unit (if they chose one) wins over the company's. */
  userId?: string,
): Promise<Pick<Tenant, 'temperatureUnit' | 'timeZone'>> {
  const [row] = await db
    .select({
      temperatureUnit: sql<
        Tenant['temperatureUnit']
      >`coalesce(${users.temperatureUnit}, ${tenants.temperatureUnit})`,
      timeZone: tenants.timeZone,
    })
    .from(tenants)
    .leftJoin(users, eq(users.id, userId ?? ''))
    .where(eq(tenants.id, tenantId));
  if (!row) throw new Error(`tenant ${tenantId} not found`);
  return row;
}
