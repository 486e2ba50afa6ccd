import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acknowledge,
  archiveAlertRule,
  createAlertRule,
  createDevice,
  getAlert,
  getAlertRule,
  getDevice,
  getReadings,
  listAlertRules,
  listAlerts,
  listDevices,
  resolve,
  revokeDevice,
  rotateDeviceSecret,
  type TenantCtx,
  updateAlertRule,
  updateDevice,
} from '../src/index.js';
import {
  fingerprint,
  memberCtx,
  refusal,
  seedAlert,
  seedAlertRule,
  seedTenant,
} from './fixtures.js';

// A member limited to facility A (an operator or vendor) next to facility B of the same
// tenant: B's devices, alerts and rules must be exactly as invisible as ids that never
// existed, and nothing the limited member tries against them may write a single row.
let db: TestDatabase;
let w: Awaited<ReturnType<typeof seedWorld>>;

async function seedWorld() {
  const { tenantId, facilities } = await seedTenant(db, ['Berlin', 'Chicago']);
  const [facA, facB] = facilities as [(typeof facilities)[0], (typeof facilities)[0]];
  const admin = (await memberCtx(db, tenantId, null)).ctx;
  const device = async (name: string, facilityId: string | null) =>
    (await createDevice({ ctx: admin, input: { name, facilityId } })).device;
  const devA = await device('Fridge A', facA.id);
  const devB = await device('Fridge B', facB.id);
  const devNone = await device('Spare logger', null);
  return {
    tenantId,
    facA,
    facB,
    devA,
    devB,
    devNone,
    alertA: await seedAlert(db, tenantId, devA),
    alertB: await seedAlert(db, tenantId, devB),
    alertNone: await seedAlert(db, tenantId, devNone),
    ruleTenant: await seedAlertRule(db, tenantId),
    ruleFacA: await seedAlertRule(db, tenantId, {
      scope: { kind: 'facility', facilityId: facA.id },
    }),
    ruleFacB: await seedAlertRule(db, tenantId, {
      scope: { kind: 'facility', facilityId: facB.id },
    }),
    ruleDevA: await seedAlertRule(db, tenantId, { scope: { kind: 'device', deviceId: devA.id } }),
    ruleDevB: await seedAlertRule(db, tenantId, { scope: { kind: 'device', deviceId: devB.id } }),
  };
}

beforeAll(async () => {
  db = await createTestDatabase('services_facility_scope');
  w = await seedWorld();
});
afterAll(() => db?.drop());

const limitedToA = () => memberCtx(db, w.tenantId, [w.facA.id]);

/** Asserts `attempt(foreignId)` fails exactly like `attempt(unknownId)` and writes nothing. */
async function indistinguishable(
  attempt: (ctx: TenantCtx, id: string) => Promise<unknown>,
  foreignId: string,
  unknownId: string,
) {
  const { ctx, purged } = await limitedToA();
  const before = await fingerprint(db);
  const foreign = await refusal(attempt(ctx, foreignId), foreignId);
  const unknown = await refusal(attempt(ctx, unknownId), unknownId);
  expect(foreign).toEqual(unknown);
  expect(foreign.code).toBe('NOT_FOUND');
  expect(await fingerprint(db)).toEqual(before);
  expect(purged).toEqual([]);
}

const UNKNOWN_DEVICE = 'dev_00000000000000000000';
const UNKNOWN_ALERT = 'alr_00000000000000000000';
const UNKNOWN_RULE = 'rul_00000000000000000000';
const UNKNOWN_FACILITY = 'fac_00000000000000000000';

describe('devices, for a member limited to facility A', () => {
  it('lists only facility A’s devices, whatever the filter asks for', async () => {
    const { ctx } = await limitedToA();
    const all = await listDevices({ ctx, input: { limit: 50 } });
    expect(all.items.map((d) => d.id)).toEqual([w.devA.id]);
    const askedForB = await listDevices({ ctx, input: { limit: 50, facilityId: w.facB.id } });
    expect(askedForB.items).toEqual([]);
    // An unlimited caller still sees all three (the filter is the scope, not a global change).
    const admin = (await memberCtx(db, w.tenantId, null)).ctx;
    expect((await listDevices({ ctx: admin, input: { limit: 50 } })).items).toHaveLength(3);
  });

  it('reads its own device', async () => {
    const { ctx } = await limitedToA();
    expect((await getDevice({ ctx, input: { id: w.devA.id } })).device.name).toBe('Fridge A');
  });

  it.each([
    ['get', (ctx: TenantCtx, id: string) => getDevice({ ctx, input: { id } })],
    [
      'readings',
      (ctx: TenantCtx, id: string) =>
        getReadings({ ctx, input: { id, metric: 'temperature', resolution: 'auto' } }),
    ],
    [
      'update',
      (ctx: TenantCtx, id: string) => updateDevice({ ctx, input: { id, patch: { name: 'Mine' } } }),
    ],
    [
      'rotate',
      (ctx: TenantCtx, id: string) => rotateDeviceSecret({ ctx, input: { id, graceSeconds: 0 } }),
    ],
    ['revoke', (ctx: TenantCtx, id: string) => revokeDevice({ ctx, input: { id } })],
  ])(
    '%s of facility B’s device answers like an unknown id and writes nothing',
    async (_, attempt) => {
      await indistinguishable(attempt, w.devB.id, UNKNOWN_DEVICE);
      // A device in no facility is outside every limited scope too.
      await indistinguishable(attempt, w.devNone.id, UNKNOWN_DEVICE);
    },
  );

  it('cannot create a device in facility B: NOT_FOUND for the facility, as for an unknown one', async () => {
    const create = (ctx: TenantCtx, facilityId: string) =>
      createDevice({ ctx, input: { name: 'Sneaky', facilityId } });
    await indistinguishable(create, w.facB.id, UNKNOWN_FACILITY);
    const { ctx } = await limitedToA();
    const err = await refusal(create(ctx, w.facB.id));
    expect(err.details).toEqual({ reason: 'facility_not_found' });
  });

  it('cannot create a device in no facility (it would vanish from its own view)', async () => {
    const { ctx } = await limitedToA();
    const before = await fingerprint(db);
    const err = await refusal(createDevice({ ctx, input: { name: 'Floating' } }));
    expect(err.code).toBe('VALIDATION');
    expect(err.details.errors?.[0]?.path).toBe('facilityId');
    expect(await fingerprint(db)).toEqual(before);
  });

  it('cannot move its device to facility B or out of every facility', async () => {
    const move = (ctx: TenantCtx, facilityId: string) =>
      updateDevice({ ctx, input: { id: w.devA.id, patch: { facilityId } } });
    await indistinguishable(move, w.facB.id, UNKNOWN_FACILITY);
    const { ctx } = await limitedToA();
    const before = await fingerprint(db);
    const err = await refusal(
      updateDevice({ ctx, input: { id: w.devA.id, patch: { facilityId: null } } }),
    );
    expect(err.code).toBe('VALIDATION');
    expect(await fingerprint(db)).toEqual(before);
  });

  it('creates and changes devices in its own facility', async () => {
    const { ctx, purged } = await limitedToA();
    const { device } = await createDevice({
      ctx,
      input: { name: 'New fridge', facilityId: w.facA.id },
    });
    await rotateDeviceSecret({ ctx, input: { id: device.id, graceSeconds: 0 } });
    expect(purged).toEqual([`devauth:v1:${device.id}`]);
    const renamed = await updateDevice({
      ctx,
      input: { id: device.id, patch: { name: 'Renamed' } },
    });
    expect(renamed.name).toBe('Renamed');
  });

  it('a member limited to no facility sees nothing', async () => {
    const { ctx } = await memberCtx(db, w.tenantId, []);
    expect((await listDevices({ ctx, input: { limit: 50 } })).items).toEqual([]);
    expect((await listAlerts({ ctx, input: { limit: 50 } })).items).toEqual([]);
  });
});

describe('alerts, for a member limited to facility A', () => {
  it('lists only facility A’s alerts', async () => {
    const { ctx } = await limitedToA();
    const page = await listAlerts({ ctx, input: { limit: 50 } });
    expect(page.items.map((a) => a.id)).toEqual([w.alertA.id]);
    const askedForB = await listAlerts({ ctx, input: { limit: 50, deviceId: w.devB.id } });
    expect(askedForB.items).toEqual([]);
  });

  it.each([
    ['get', (ctx: TenantCtx, id: string) => getAlert({ ctx, input: { id } })],
    [
      'acknowledge',
      (ctx: TenantCtx, id: string) =>
        acknowledge({ ctx, input: { id, comment: 'checked the door' } }),
    ],
    ['resolve', (ctx: TenantCtx, id: string) => resolve({ ctx, input: { id, reason: 'fixed' } })],
  ])(
    '%s of facility B’s alert answers like an unknown id and writes nothing',
    async (_, attempt) => {
      await indistinguishable(attempt, w.alertB.id, UNKNOWN_ALERT);
      await indistinguishable(attempt, w.alertNone.id, UNKNOWN_ALERT);
    },
  );

  it('acknowledges its own alert', async () => {
    const { ctx } = await limitedToA();
    const alert = await acknowledge({ ctx, input: { id: w.alertA.id, comment: 'on it' } });
    expect(alert.status).toBe('acknowledged');
  });
});

describe('alert rules, for a member limited to facility A', () => {
  it('lists the rules that judge facility A: its own, its devices’ and the tenant-wide one', async () => {
    const { ctx } = await limitedToA();
    const ids = (await listAlertRules({ ctx, input: {} })).map((r) => r.id).sort();
    expect(ids).toEqual([w.ruleTenant.id, w.ruleFacA.id, w.ruleDevA.id].sort());
    expect(await listAlertRules({ ctx, input: { facilityId: w.facB.id } })).toEqual([]);
  });

  it.each([
    ['get', (ctx: TenantCtx, id: string) => getAlertRule({ ctx, input: { id } })],
    [
      'archive',
      (ctx: TenantCtx, id: string) => archiveAlertRule({ ctx, input: { id, reason: 'mine now' } }),
    ],
  ])(
    '%s of facility B’s rules answers like an unknown id and writes nothing',
    async (_, attempt) => {
      await indistinguishable(attempt, w.ruleFacB.id, UNKNOWN_RULE);
      await indistinguishable(attempt, w.ruleDevB.id, UNKNOWN_RULE);
    },
  );

  it('cannot point a rule at facility B or its device, nor change a tenant-wide rule', async () => {
    const { ctx } = await limitedToA();
    const before = await fingerprint(db);
    const { id: _id, ...rule } = w.ruleFacA;
    const atB = { ...rule, scope: { kind: 'facility' as const, facilityId: w.facB.id } };
    expect((await refusal(createAlertRule({ ctx, input: { rule: atB } }))).code).toBe('NOT_FOUND');
    const atDevB = { ...rule, scope: { kind: 'device' as const, deviceId: w.devB.id } };
    expect((await refusal(createAlertRule({ ctx, input: { rule: atDevB } }))).code).toBe(
      'NOT_FOUND',
    );
    const tenantWide = { ...rule, scope: { kind: 'tenant' as const } };
    expect((await refusal(createAlertRule({ ctx, input: { rule: tenantWide } }))).details).toEqual({
      reason: 'facility_limited',
    });
    // Visible, but it judges every facility: not the limited member's to change.
    const update = updateAlertRule({
      ctx,
      input: { id: w.ruleTenant.id, rule, reason: 'narrow it to mine' },
    });
    expect((await refusal(update)).code).toBe('NOT_FOUND');
    expect(await fingerprint(db)).toEqual(before);
  });
});
