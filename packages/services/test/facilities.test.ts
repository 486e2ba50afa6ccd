import { verifyTenantAudit } from '@anythingiot/db';
import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFacility,
  getFacility,
  listAuditLog,
  listFacilities,
  updateFacility,
} from '../src/index.js';
import { fingerprint, memberCtx, refusal, seedTenant } from './fixtures.js';

let db: TestDatabase;
let tenantId: string;
let berlin: { id: string };
let chicago: { id: string };

beforeAll(async () => {
  db = await createTestDatabase('services_facilities');
  const seeded = await seedTenant(db, ['Berlin', 'Chicago']);
  tenantId = seeded.tenantId;
  berlin = seeded.facilities[0]!;
  chicago = seeded.facilities[1]!;
});
afterAll(() => db?.drop());

const admin = async () => (await memberCtx(db, tenantId, null)).ctx;
const limitedToBerlin = async () => (await memberCtx(db, tenantId, [berlin.id])).ctx;

/** Asserts the call is refused with `code` and that no row changed. */
async function refusedUnchanged(call: () => Promise<unknown>, code: string) {
  const before = await fingerprint(db);
  const err = await refusal(call());
  expect(err.code).toBe(code);
  expect(await fingerprint(db)).toEqual(before);
  return err;
}

describe('facilities', () => {
  it('creates a facility with type, address and a canonical IANA time zone, audited', async () => {
    const ctx = await admin();
    const created = await createFacility({
      ctx,
      input: { name: ' Vienna ', type: 'pharmacy', address: 'Ring 1', timeZone: 'europe/vienna' },
    });
    expect(created).toMatchObject({
      name: 'Vienna',
      type: 'pharmacy',
      address: 'Ring 1',
      timeZone: 'Europe/Vienna',
    });
    const { items } = await listAuditLog({
      ctx,
      input: { limit: 1, targetType: 'facility', targetId: created.id },
    });
    expect(items[0]).toMatchObject({
      action: 'facility.create',
      actor: ctx.actor,
      before: null,
      after: { name: 'Vienna', timeZone: 'Europe/Vienna' },
    });
  });

  it('refuses invalid input with every field error at once, writing nothing', async () => {
    const ctx = await admin();
    const err = await refusedUnchanged(
      () =>
        createFacility({ ctx, input: { name: '', type: 'garage', timeZone: 'Europe/Atlantis' } }),
      'VALIDATION',
    );
    expect(err.details.errors?.map((e) => e.path).sort()).toEqual(['name', 'timeZone', 'type']);
    await refusedUnchanged(
      () => createFacility({ ctx, input: { name: 'Offset', timeZone: '+02:00' } }),
      'VALIDATION',
    );
  });

  it('refuses a second facility of the same name with a CONFLICT on name', async () => {
    const ctx = await admin();
    const err = await refusedUnchanged(
      () => createFacility({ ctx, input: { name: 'Berlin' } }),
      'CONFLICT',
    );
    expect(err.details.errors?.[0]?.path).toBe('name');
  });

  it('a member limited to facilities cannot create one', async () => {
    const ctx = await limitedToBerlin();
    const err = await refusedUnchanged(
      () => createFacility({ ctx, input: { name: 'Mine' } }),
      'FORBIDDEN',
    );
    expect(err.details.reason).toBe('facility_limited');
  });

  it('a limited member lists and reads only its facilities; others answer like unknown ids', async () => {
    const ctx = await limitedToBerlin();
    expect((await listFacilities({ ctx })).map((f) => f.id)).toEqual([berlin.id]);
    expect((await getFacility({ ctx, input: { id: berlin.id } })).name).toBe('Berlin');
    const foreign = await refusal(getFacility({ ctx, input: { id: chicago.id } }), chicago.id);
    const unknownId = 'fac_00000000000000000000';
    const unknown = await refusal(getFacility({ ctx, input: { id: unknownId } }), unknownId);
    expect(foreign).toEqual(unknown);
    expect(foreign.code).toBe('NOT_FOUND');
  });

  it('updates the given fields, audited with before and after of just those, chain intact', async () => {
    const ctx = await admin();
    const updated = await updateFacility({
      ctx,
      input: { id: chicago.id, patch: { address: '1 Wacker Dr', timeZone: 'America/Chicago' } },
    });
    expect(updated).toMatchObject({ address: '1 Wacker Dr', timeZone: 'America/Chicago' });
    const { items } = await listAuditLog({
      ctx,
      input: { limit: 1, targetId: chicago.id, action: 'facility.update' },
    });
    expect(items[0]).toMatchObject({
      before: { address: '', timeZone: 'UTC' },
      after: { address: '1 Wacker Dr', timeZone: 'America/Chicago' },
    });
    expect(await verifyTenantAudit(db.handle.db, tenantId)).toMatchObject({ ok: true });
  });

  it('refuses an invalid or empty change, a taken name, and another facility of a limited member', async () => {
    const ctx = await admin();
    const patch =
      (p: unknown, id = berlin.id) =>
      () =>
        updateFacility({ ctx, input: { id, patch: p } });
    await refusedUnchanged(patch({ timeZone: 'Nowhere/Town' }), 'VALIDATION');
    await refusedUnchanged(patch({}), 'VALIDATION');
    await refusedUnchanged(patch({ name: 'Chicago' }), 'CONFLICT');
    const limited = await limitedToBerlin();
    await refusedUnchanged(
      () => updateFacility({ ctx: limited, input: { id: chicago.id, patch: { name: 'Taken' } } }),
      'NOT_FOUND',
    );
    const own = await updateFacility({
      ctx: limited,
      input: { id: berlin.id, patch: { type: 'cold_room' } },
    });
    expect(own.type).toBe('cold_room');
  });
});
