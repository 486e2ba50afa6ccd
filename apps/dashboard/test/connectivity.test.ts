import { type Connectivity, newId } from '@anythingiot/core';
import { ingestReadings, insertAlert, schema } from '@anythingiot/db';
import { createDevice, revokeDevice } from '@anythingiot/services';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as overview from '../app/routes/_app._index';
import * as devices from '../app/routes/_app.devices._index';
import * as devicePage from '../app/routes/_app.devices.$deviceId';
import * as facilities from '../app/routes/_app.facilities._index';
import * as facility from '../app/routes/_app.facilities.$facilityId';
import { appContext } from '../app/server/context.server';
import { tenantCtx } from '../app/server/tenant-ctx.server';
import { APP_URL, useDashboard } from './harness';

// One device per way of being, in company A's facility 1, and every page that shows a device's
// state asked about them: the device list (badge and status filter), the facility page, the
// device page, the overview tile and the facilities list. They must all say the same — the
// "quiet" fridge above all: silent for 4 × its interval with no offline alert yet (the sweep
// has not run), which the overview used to count online while its device page said offline.
const t = useDashboard();
const MINUTE = 60_000;

let ids: Record<'fresh' | 'quiet' | 'alerted' | 'never' | 'revoked', string>;
const EXPECTED: Record<keyof typeof ids, Connectivity> = {
  fresh: 'online',
  quiet: 'offline',
  alerted: 'offline',
  never: 'never_reported',
  revoked: 'revoked',
};

beforeAll(async () => {
  const ctx = t.ctxFor(t.a.members.owner, t.a);
  const facilityId = t.a.facilityIds[0];
  const make = async (name: string) =>
    (await createDevice({ ctx, input: { name, facilityId, expectedIntervalSeconds: 60 } })).device;
  const [fresh, quiet, alerted, never, revoked] = [
    await make('Fresh fridge'),
    await make('Quiet fridge'),
    await make('Alerted fridge'),
    await make('New fridge'),
    await make('Old fridge'),
  ];
  const now = Date.now();
  for (const d of [fresh, quiet, alerted, revoked]) {
    await ingestReadings(t.db, { tenantId: t.a.tenantId, deviceId: d.id }, [
      { metric: 'temperature', ts: now - 30_000, value: 5, seq: null },
    ]);
  }
  // Received 4 minutes ago: past 3 (OFFLINE_AFTER_INTERVALS' default) × 60 s.
  await t.db
    .update(schema.devices)
    .set({ lastSeenAt: new Date(now - 4 * MINUTE) })
    .where(eq(schema.devices.id, quiet.id));
  // Data just arrived, but its offline alert has not ended yet: offline until it does.
  await t.db.transaction((tx) =>
    insertAlert(
      tx,
      t.a.tenantId,
      {
        id: newId('alert'),
        deviceId: alerted.id,
        facilityId,
        kind: 'offline',
        ruleId: null,
        excursionId: null,
        metric: null,
        severity: 'warning',
        title: 'Alerted fridge: offline',
        startedAt: new Date(now - 30 * MINUTE),
        endedAt: null,
        alertAt: new Date(now - 27 * MINUTE),
        retrospective: false,
        dataGap: false,
        peak: null,
      },
      { actor: { type: 'system', id: 'test' }, requestId: null },
    ),
  );
  await revokeDevice({ ctx, input: { id: revoked.id } });
  ids = {
    fresh: fresh.id,
    quiet: quiet.id,
    alerted: alerted.id,
    never: never.id,
    revoked: revoked.id,
  };
});

const owner = () => t.a.members.owner;
const kinds = () => Object.keys(ids) as (keyof typeof ids)[];

describe('one connectivity on every page', () => {
  it('the device list badges each device by the one rule', async () => {
    const res = await t.call(devices, { as: owner(), url: '/devices' });
    const byId = new Map(
      res.data.devices.map((d: { id: string; connectivity: string }) => [d.id, d.connectivity]),
    );
    for (const k of kinds()) expect(byId.get(ids[k]), k).toBe(EXPECTED[k]);
  });

  it.each(['online', 'offline', 'never_reported', 'revoked'] as const)(
    'the status filter %s lists exactly the devices badged so',
    async (status) => {
      const res = await t.call(devices, { as: owner(), url: `/devices?status=${status}` });
      expect(res.status).toBe(200);
      const listed = res.data.devices as { id: string; connectivity: string }[];
      expect(listed.every((d) => d.connectivity === status)).toBe(true);
      expect(listed.map((d) => d.id).sort()).toEqual(
        kinds()
          .filter((k) => EXPECTED[k] === status)
          .map((k) => ids[k])
          .sort(),
      );
    },
  );

  it('the facility page shows the same on its cards', async () => {
    const id = t.a.facilityIds[0];
    const res = await t.call(facility, {
      as: owner(),
      url: `/facilities/${id}`,
      params: { facilityId: id },
    });
    const byId = new Map(
      res.data.devices.map((d: { id: string; connectivity: string }) => [d.id, d.connectivity]),
    );
    for (const k of kinds()) expect(byId.get(ids[k]), k).toBe(EXPECTED[k]);
  });

  it('each device page says the same', async () => {
    for (const k of kinds()) {
      const res = await t.call(devicePage, {
        as: owner(),
        url: `/devices/${ids[k]}`,
        params: { deviceId: ids[k] },
      });
      expect(res.status).toBe(200);
      expect(res.data.state, k).toBe(EXPECTED[k]);
    }
  });

  it('the overview tile and the facilities list count them the same way', async () => {
    const id = t.a.facilityIds[0];
    const counts = { online: 1, offline: 2, neverReported: 1 };
    const home = await t.call(overview, { as: owner(), url: '/' });
    const tile = home.data.tiles.find(
      (x: { facility: { id: string } | null }) => x.facility?.id === id,
    );
    expect(tile.devices).toMatchObject(counts);
    const list = await t.call(facilities, { as: owner(), url: '/facilities' });
    expect(list.data.facilities.find((f: { id: string }) => f.id === id)).toMatchObject(counts);
  });
});

describe('the offline factor', () => {
  it('comes from OFFLINE_AFTER_INTERVALS', () => {
    const ctxWith = (env: Record<string, string>) => {
      const app = appContext(
        {
          cloudflare: { env, ctx: { waitUntil: () => {} } },
        },
        new Request(APP_URL),
      );
      return tenantCtx({
        app,
        principal: {
          userId: owner().userId,
          email: owner().email,
          name: 'owner',
          emailVerified: true,
          sessionId: 'seed',
          activeTenantId: t.a.tenantId,
          tenantId: t.a.tenantId,
          membershipId: 'seed',
          role: 'owner',
          facilityIds: [],
        },
      });
    };
    expect(ctxWith({ ...t.env, OFFLINE_AFTER_INTERVALS: '20' }).ports.offlineFactor).toBe(20);
    expect(ctxWith({ ...t.env, OFFLINE_AFTER_INTERVALS: '1.5' }).ports.offlineFactor).toBe(1.5);
    // Unset: the api's default, so both judge alike out of the box.
    const { OFFLINE_AFTER_INTERVALS: _, ...unset } = t.env;
    expect(ctxWith(unset).ports.offlineFactor).toBe(3);
  });
});
