import { newId } from '@anythingiot/core';
import { createApiKey, schema } from '@anythingiot/db';
import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice, nameActors } from '../src/index.js';
import { memberCtx, seedTenant } from './fixtures.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('services_name_actors');
});
afterAll(() => db?.drop());

const SYSTEM = { type: 'system' as const, id: 'test' };

async function member(tenantId: string, name: string, email: string) {
  const id = newId('user');
  await db.handle.db.insert(schema.users).values({ id, email, name });
  await db.handle.db
    .insert(schema.memberships)
    .values({ id: newId('membership'), tenantId, userId: id, role: 'operator' });
  return id;
}

describe('nameActors', () => {
  it('names users, keys and devices of the tenant and nobody else’s', async () => {
    const a = await seedTenant(db, ['Berlin', 'Chicago']);
    const b = await seedTenant(db, []);
    const berlin = a.facilities[0]!;
    const chicago = a.facilities[1]!;
    const jane = await member(a.tenantId, 'Jane Doe', `jane-${newId('request')}@x.test`);
    const nameless = await member(a.tenantId, '', `anon-${newId('request')}@x.test`);
    const outsider = await member(b.tenantId, 'Other Tenant', `o-${newId('request')}@x.test`);
    const key = await createApiKey(
      db.handle.db,
      a.tenantId,
      { name: 'CI export', scopes: ['alerts:read'] },
      { actor: SYSTEM, requestId: null },
    );
    const otherKey = await createApiKey(
      db.handle.db,
      b.tenantId,
      { name: 'B key', scopes: ['alerts:read'] },
      { actor: SYSTEM, requestId: null },
    );
    const admin = (await memberCtx(db, a.tenantId, null)).ctx;
    const inBerlin = (
      await createDevice({ ctx: admin, input: { name: 'Fridge 1', facilityId: berlin.id } })
    ).device;
    const inChicago = (
      await createDevice({ ctx: admin, input: { name: 'Fridge 2', facilityId: chicago.id } })
    ).device;
    const actors = [
      { type: 'user' as const, id: jane },
      { type: 'user' as const, id: nameless },
      { type: 'user' as const, id: outsider },
      { type: 'apiKey' as const, id: key.id },
      { type: 'apiKey' as const, id: otherKey.id },
      { type: 'device' as const, id: inBerlin.id },
      { type: 'device' as const, id: inChicago.id },
      SYSTEM,
    ];
    const names = await nameActors({ ctx: admin, input: { actors } });
    expect(Object.fromEntries(names)).toEqual({
      [`user:${jane}`]: 'Jane Doe',
      [`user:${nameless}`]: expect.stringMatching(/^anon-/),
      [`apiKey:${key.id}`]: 'CI export',
      [`device:${inBerlin.id}`]: 'Fridge 1',
      [`device:${inChicago.id}`]: 'Fridge 2',
    });
    const limited = (await memberCtx(db, a.tenantId, [berlin.id])).ctx;
    const scoped = await nameActors({ ctx: limited, input: { actors } });
    expect(scoped.has(`device:${inChicago.id}`)).toBe(false);
    expect(scoped.get(`device:${inBerlin.id}`)).toBe('Fridge 1');
    expect(await nameActors({ ctx: admin, input: { actors: [] } })).toEqual(new Map());
  });
});
