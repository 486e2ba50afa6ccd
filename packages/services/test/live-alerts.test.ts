import type { LiveEvent } from '@anythingiot/core';
import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledge, createDevice, resolve } from '../src/index.js';
import { memberCtx, seedAlert, seedTenant } from './fixtures.js';

// Acknowledging and resolving are announced to the tenant's live room once committed, by
// whichever server ran the use case (api or dashboard), through the `live` port.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('services_live_alerts');
});
afterAll(() => db?.drop());

async function seed() {
  const { tenantId, facilities } = await seedTenant(db, ['Berlin']);
  const { ctx } = await memberCtx(db, tenantId, null);
  const published: { tenantId: string; events: readonly LiveEvent[] }[] = [];
  ctx.ports.live = { publish: async (t, events) => void published.push({ tenantId: t, events }) };
  const { device } = await createDevice({
    ctx,
    input: { name: 'Fridge', facilityId: facilities[0]!.id },
  });
  return { ctx, tenantId, device, published, alert: await seedAlert(db, tenantId, device) };
}

describe('live alert changes', () => {
  it('announces an acknowledgement and a resolution with the committed version', async () => {
    const { ctx, tenantId, device, alert, published } = await seed();
    await acknowledge({ ctx, input: { id: alert.id, comment: 'on it' } });
    await resolve({ ctx, input: { id: alert.id, reason: 'stock moved' } });
    expect(published).toEqual([
      {
        tenantId,
        events: [
          expect.objectContaining({
            type: 'alert',
            change: 'acknowledged',
            alert: expect.objectContaining({
              id: alert.id,
              deviceId: device.id,
              facilityId: device.facilityId,
              status: 'acknowledged',
              version: alert.version + 1,
            }),
          }),
        ],
      },
      {
        tenantId,
        events: [
          expect.objectContaining({
            change: 'resolved',
            alert: expect.objectContaining({ status: 'resolved', version: alert.version + 2 }),
          }),
        ],
      },
    ]);
  });

  it('announces nothing when the change is refused', async () => {
    const { ctx, alert, published } = await seed();
    await acknowledge({ ctx, input: { id: alert.id, comment: 'on it' } });
    await expect(acknowledge({ ctx, input: { id: alert.id, comment: 'again' } })).rejects.toThrow();
    expect(published).toHaveLength(1);
  });
});
