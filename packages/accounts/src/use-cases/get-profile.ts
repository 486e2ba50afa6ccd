import type { TEMPERATURE_UNITS } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { eq } from 'drizzle-orm';
import type { AccountsContext } from '../deps.js';
import type { Principal } from './authenticate.js';

type TemperatureUnit = (typeof TEMPERATURE_UNITS)[number];

export type Profile = {
  name: string;
  email: string;
  emailVerified: boolean;
  /** The person's own °C/°F, or null when they follow the company's. */
  temperatureUnit: TemperatureUnit | null;
  /** The active company's unit, what null means here. */
  companyTemperatureUnit: TemperatureUnit;
};

/** The signed-in person's own settings, for their profile page (in their active company). */
export async function getProfile({
  ctx,
  principal,
}: {
  ctx: AccountsContext;
  principal: Principal;
}): Promise<Profile> {
  const { users, tenants } = schema;
  const [row] = await ctx.deps.db
    .select({
      name: users.name,
      email: users.email,
      emailVerifiedAt: users.emailVerifiedAt,
      temperatureUnit: users.temperatureUnit,
      companyTemperatureUnit: tenants.temperatureUnit,
    })
    .from(users)
    .innerJoin(tenants, eq(tenants.id, principal.tenantId))
    .where(eq(users.id, principal.userId));
  if (!row) throw new Error(`user ${principal.userId} or tenant ${principal.tenantId} not found`);
  const { emailVerifiedAt, ...rest } = row;
  return { ...rest, emailVerified: emailVerifiedAt !== null };
}
