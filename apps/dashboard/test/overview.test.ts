import { ROLES } from '@anythingiot/core';
import { acknowledge } from '@anythingiot/services';
import { beforeAll, describe, expect, it } from 'vitest';
import * as overview from '../app/routes/_app._index';
import { seedDeviceAlert } from './alert-fixtures';
import { useDashboard } from './harness';

const t = useDashboard();

type Tile = {
  facility: { id: string; name: string } | null;
  worstActiveSeverity: string | null;
  activeAlerts: number;
  acknowledgedAlerts: number;
};

let warning: Awaited<ReturnType<typeof seedDeviceAlert>>;
let critical: Awaited<ReturnType<typeof seedDeviceAlert>>;
beforeAll(async () => {
  warning = await seedDeviceAlert(t, t.a, 0, { severity: 'warning', title: 'A1 warning' });
  critical = await seedDeviceAlert(t, t.a, 1, { severity: 'critical', title: 'A2 critical' });
  const acked = await seedDeviceAlert(t, t.a, 1, { severity: 'critical', title: 'A2 acked' });
  await acknowledge({
    ctx: t.ctxFor(t.a.members.owner, t.a),
    input: { id: acked.id, comment: 'on it' },
  });
  await seedDeviceAlert(t, t.b, 0, { title: 'B only' });
});

const tiles = (data: { tiles: Tile[] }) =>
  Object.fromEntries(data.tiles.map((x) => [x.facility?.id ?? 'none', x]));

describe('overview', () => {
  it('sends a signed-out visitor to log in', async () => {
    const res = await t.call(overview, { as: null, url: '/' });
    expect(res.status).toBe(302);
    expect(res.location).toBe('/login?next=%2F');
  });

  it('opens for every role', async () => {
    for (const role of ROLES) {
      expect((await t.call(overview, { as: t.a.members[role], url: '/' })).status, role).toBe(200);
    }
  });

  it('colours each facility by its worst unacknowledged alert and lists those alerts', async () => {
    const res = await t.call(overview, { as: t.a.members.owner, url: '/' });
    const [one, two] = t.a.facilityIds;
    const byId = tiles(res.data);
    expect(byId[one]).toMatchObject({ worstActiveSeverity: 'warning', activeAlerts: 1 });
    expect(byId[two]).toMatchObject({
      worstActiveSeverity: 'critical',
      activeAlerts: 1,
      acknowledgedAlerts: 1,
    });
    expect(res.data.activeAlerts.map((a: { id: string }) => a.id)).toEqual([
      critical.id,
      warning.id,
    ]);
    expect(res.data.activeAlerts[0]).toMatchObject({
      facility: 'Alpha Pharma Warehouse',
      severity: 'critical',
    });
    expect(res.data).toMatchObject({ unit: 'C', timeZone: 'Europe/Berlin' });
    expect(JSON.stringify(res.data)).not.toContain('B only');
  });

  it('shows a facility-limited member only their facility', async () => {
    for (const role of ['operator', 'vendor'] as const) {
      const res = await t.call(overview, { as: t.a.members[role], url: '/' });
      expect(
        res.data.tiles.map((x: Tile) => x.facility?.id),
        role,
      ).toEqual([t.a.facilityIds[0]]);
      expect(
        res.data.activeAlerts.map((a: { id: string }) => a.id),
        role,
      ).toEqual([warning.id]);
    }
  });

  it('offers first steps only to roles that may take them', async () => {
    const owner = await t.call(overview, { as: t.a.members.owner, url: '/' });
    expect(owner.data).toMatchObject({ canCreateFacility: true, canRegisterDevice: true });
    const manager = await t.call(overview, { as: t.a.members.manager, url: '/' });
    expect(manager.data).toMatchObject({ canCreateFacility: false, canRegisterDevice: true });
    const auditor = await t.call(overview, { as: t.a.members.auditor, url: '/' });
    expect(auditor.data).toMatchObject({ canCreateFacility: false, canRegisterDevice: false });
  });
});
