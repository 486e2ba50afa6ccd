import { type Actor, type Industry, newId } from '@anythingiot/core';
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../client.js';
import { tenants } from '../schema/index.js';
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

/** How the tenant shows data: every member sees temperatures in this unit, times in this zone. */
export async function tenantPreferences(
  db: Database,
  tenantId: string,
): Promise<Pick<Tenant, 'temperatureUnit' | 'timeZone'>> {
  const [row] = await db
    .select({ temperatureUnit: tenants.temperatureUnit, timeZone: tenants.timeZone })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  if (!row) throw new Error(`tenant ${tenantId} not found`);
  return row;
}
