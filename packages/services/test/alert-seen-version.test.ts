import { isDomainError } from '@anythingiot/core';
import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledge, createDevice, getAlert, resolve } from '../src/index.js';
import { fingerprint, memberCtx, seedAlert, seedTenant } from './fixtures.js';

// A person decides on what their page showed: if someone changed the alert since, their
// acknowledgement or resolution must not land on top of it.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('services_alert_seen_version');
});
afterAll(() => db?.drop());

async function seed() {
  const { tenantId, facilities } = await seedTenant(db, ['Berlin']);
  const { ctx } = await memberCtx(db, tenantId, null);
  const { device } = await createDevice({
    ctx,
    input: { name: 'Fridge', facilityId: facilities[0]!.id },
  });
  return { ctx, alert: await seedAlert(db, tenantId, device) };
}

async function refusal(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (err) {
    if (isDomainError(err)) return { code: err.code, reason: err.details?.reason };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('seenVersion', () => {
  it('applies a change made on the version the person saw', async () => {
    const { ctx, alert } = await seed();
    const acked = await acknowledge({
      ctx,
      input: { id: alert.id, comment: 'on it', seenVersion: alert.version },
    });
    expect(acked).toMatchObject({ status: 'acknowledged', version: alert.version + 1 });
    const resolved = await resolve({
      ctx,
      input: { id: alert.id, reason: 'stock moved', seenVersion: acked.version },
    });
    expect(resolved.status).toBe('resolved');
  });

  it('refuses, writing nothing, when the alert changed since it was seen', async () => {
    const { ctx, alert } = await seed();
    await acknowledge({ ctx, input: { id: alert.id, comment: 'first' } });
    const before = await fingerprint(db);
    expect(
      await refusal(() =>
        resolve({ ctx, input: { id: alert.id, reason: 'late', seenVersion: alert.version } }),
      ),
    ).toEqual({ code: 'CONFLICT', reason: 'concurrent_change' });
    expect(await fingerprint(db)).toEqual(before);
    expect((await getAlert({ ctx, input: { id: alert.id } })).alert.status).toBe('acknowledged');
  });
});
