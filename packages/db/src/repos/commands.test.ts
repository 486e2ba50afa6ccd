import { COMMAND_REDELIVERY_SECONDS, newId } from '@anythingiot/core';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, commands } from '../schema/index.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { verifyTenantAudit } from './audit.js';
import { commandRepo, deviceCommandRepo, expireDueCommands, type NewCommand } from './commands.js';
import { deviceRepo } from './devices.js';
import { facilityRepo } from './facilities.js';
import { ingestReadings } from './readings.js';
import { createTenant } from './tenants.js';

const system = { type: 'system' as const, id: 'test' };
const meta = { actor: system, requestId: null };
let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase('db_commands');
});
afterAll(() => tdb?.drop());

async function world() {
  const db = tdb.handle.db;
  const tenant = await createTenant(db, { name: 'T', slug: newId('request') }, system);
  const facA = await facilityRepo(db, tenant.id).create({ name: 'A' }, meta);
  const facB = await facilityRepo(db, tenant.id).create({ name: 'B' }, meta);
  const devices = deviceRepo(db, tenant.id);
  const devA = await devices.create({ name: 'a', facilityId: facA.id }, 'v1.x.y', 1, meta);
  const devB = await devices.create({ name: 'b', facilityId: facB.id }, 'v1.x.y', 1, meta);
  return { tenantId: tenant.id, facA, facB, devA, devB };
}

const input = (deviceId: string, over: Partial<NewCommand> = {}): NewCommand => ({
  deviceId,
  type: 'ping',
  payload: {},
  ttlSeconds: 60,
  idempotencyKey: null,
  ...over,
});

const auditActions = async (targetId: string) =>
  (await tdb.handle.db.select().from(auditLog).where(eq(auditLog.targetId, targetId))).map(
    (a) => a.action,
  );

describe('commands table', () => {
  it('cannot point at another tenant’s device (composite foreign key)', async () => {
    const a = await world();
    const b = await world();
    await expect(
      tdb.handle.db.insert(commands).values({
        id: newId('command'),
        tenantId: b.tenantId,
        deviceId: a.devA.id,
        type: 'ping',
        ttlSeconds: 60,
        createdBy: system,
        expiresAt: new Date(),
      }),
    ).rejects.toThrow();
  });
});

describe('commandRepo', () => {
  it('creates audited commands with expiresAt from the caller’s clock', async () => {
    const w = await world();
    const now = new Date('2026-05-01T10:00:00Z');
    const [made] = await commandRepo(tdb.handle.db, w.tenantId).create(
      [input(w.devA.id)],
      meta,
      now,
    );
    expect(made?.created).toBe(true);
    expect(made?.command).toMatchObject({
      status: 'pending',
      deliveryCount: 0,
      expiresAt: new Date('2026-05-01T10:01:00Z'),
      createdBy: system,
    });
    expect(await auditActions(made!.command.id)).toEqual(['command.create']);
    expect((await verifyTenantAudit(tdb.handle.db, w.tenantId)).ok).toBe(true);
  });

  it('returns the existing command for a reused idempotency key, even under a race', async () => {
    const w = await world();
    const repo = commandRepo(tdb.handle.db, w.tenantId);
    const keyed = input(w.devA.id, { idempotencyKey: 'k-1' });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => repo.create([keyed], meta, new Date())),
    );
    const ids = new Set(results.map((r) => r[0]!.command.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r[0]!.created)).toHaveLength(1);
    // The same key on another device is another command.
    const [other] = await repo.create([{ ...keyed, deviceId: w.devB.id }], meta, new Date());
    expect(other?.created).toBe(true);
    expect(other?.command.id).not.toBe([...ids][0]);
  });

  it('hides commands of devices outside a facility scope, in get and in lists', async () => {
    const w = await world();
    const all = commandRepo(tdb.handle.db, w.tenantId);
    const [a] = await all.create([input(w.devA.id)], meta, new Date());
    const [b] = await all.create([input(w.devB.id)], meta, new Date());
    const onlyA = commandRepo(tdb.handle.db, w.tenantId, { facilityIds: [w.facA.id] });
    expect(await onlyA.get(a!.command.id)).toBeDefined();
    expect(await onlyA.get(b!.command.id)).toBeUndefined();
    expect(await onlyA.listForDevice(w.devB.id, {}, { limit: 10 })).toEqual([]);
    expect(await onlyA.activeDeviceIdsIn(w.facB.id, 10)).toEqual([]);
    expect(await onlyA.activeDeviceIdsIn(w.facA.id, 10)).toEqual([w.devA.id]);
    const otherTenant = await world();
    expect(
      await commandRepo(tdb.handle.db, otherTenant.tenantId).get(a!.command.id),
    ).toBeUndefined();
  });
});

describe('deviceCommandRepo.claim', () => {
  it('sends pending commands oldest first, audits the first hand-over only, re-sends after the pause', async () => {
    const w = await world();
    const t0 = new Date();
    const repo = commandRepo(tdb.handle.db, w.tenantId);
    const [first] = await repo.create([input(w.devA.id)], meta, new Date(t0.getTime() - 2));
    const [second] = await repo.create([input(w.devA.id)], meta, new Date(t0.getTime() - 1));
    const device = deviceCommandRepo(tdb.handle.db, w.tenantId, w.devA.id);
    const deviceMeta = { actor: { type: 'device' as const, id: w.devA.id }, requestId: null };

    const claimed = await device.claim(t0, { immediately: false, limit: 10 }, deviceMeta);
    expect(claimed.map((c) => c.id)).toEqual([first!.command.id, second!.command.id]);
    expect(claimed[0]).toMatchObject({ status: 'sent', deliveryCount: 1, sentAt: t0 });

    // Within the pause nothing is due; a new connection gets them again at once.
    expect(await device.claim(t0, { immediately: false, limit: 10 }, deviceMeta)).toEqual([]);
    const later = new Date(t0.getTime() + 1_000);
    const again = await device.claim(later, { immediately: true, limit: 10 }, deviceMeta);
    expect(again.map((c) => c.deliveryCount)).toEqual([2, 2]);
    expect(again[0]?.sentAt).toEqual(t0);
    const afterPause = new Date(later.getTime() + COMMAND_REDELIVERY_SECONDS * 1_000);
    expect(
      await device.claim(afterPause, { immediately: false, limit: 1 }, deviceMeta),
    ).toHaveLength(1);

    expect(await auditActions(first!.command.id)).toEqual(['command.create', 'command.send']);
  });

  it('a pile of sent commands in their pause never hides a new one behind the limit', async () => {
    const w = await world();
    const repo = commandRepo(tdb.handle.db, w.tenantId);
    const device = deviceCommandRepo(tdb.handle.db, w.tenantId, w.devA.id);
    const now = new Date();
    await repo.create(
      Array.from({ length: 5 }, () => input(w.devA.id)),
      meta,
      new Date(now.getTime() - 10),
    );
    expect(await device.claim(now, { immediately: false, limit: 3 }, meta)).toHaveLength(3);
    expect(await device.claim(now, { immediately: false, limit: 3 }, meta)).toHaveLength(2);
    const [fresh] = await repo.create([input(w.devA.id)], meta, now);
    const next = await device.claim(now, { immediately: false, limit: 3 }, meta);
    expect(next.map((c) => c.id)).toEqual([fresh!.command.id]);
  });

  it('never hands over an overdue command, nor another device’s', async () => {
    const w = await world();
    const now = new Date();
    await commandRepo(tdb.handle.db, w.tenantId).create(
      [input(w.devA.id, { ttlSeconds: 1 })],
      meta,
      new Date(now.getTime() - 5_000),
    );
    await commandRepo(tdb.handle.db, w.tenantId).create([input(w.devB.id)], meta, now);
    const device = deviceCommandRepo(tdb.handle.db, w.tenantId, w.devA.id);
    expect(await device.claim(now, { immediately: true, limit: 10 }, meta)).toEqual([]);
  });

  it('the ingest statement says whether anything is waiting, in the same round trip', async () => {
    const w = await world();
    const target = { tenantId: w.tenantId, deviceId: w.devA.id };
    const reading = (s: number) => [
      { metric: 'temperature', ts: Date.now() - s, value: 4, seq: null },
    ];
    expect((await ingestReadings(tdb.handle.db, target, reading(3))) as object).toMatchObject({
      commandsWaiting: false,
    });
    await commandRepo(tdb.handle.db, w.tenantId).create([input(w.devA.id)], meta, new Date());
    expect(await ingestReadings(tdb.handle.db, target, reading(2))).toMatchObject({
      commandsWaiting: true,
    });
    await deviceCommandRepo(tdb.handle.db, w.tenantId, w.devA.id).claim(
      new Date(),
      { immediately: false, limit: 10 },
      meta,
    );
    // Just sent: not waiting again until the redelivery pause has passed.
    expect(await ingestReadings(tdb.handle.db, target, reading(1))).toMatchObject({
      commandsWaiting: false,
    });
  });
});

describe('deviceCommandRepo.transition', () => {
  it('is a compare-and-set: of two concurrent changes from one version, one applies', async () => {
    const w = await world();
    await commandRepo(tdb.handle.db, w.tenantId).create([input(w.devA.id)], meta, new Date());
    const device = deviceCommandRepo(tdb.handle.db, w.tenantId, w.devA.id);
    const [sent] = await device.claim(new Date(), { immediately: true, limit: 1 }, meta);
    const [x, y] = await Promise.all([
      device.transition(
        sent!,
        { status: 'acknowledged', acknowledgedAt: new Date() },
        meta,
        new Date(),
      ),
      device.transition(sent!, { status: 'completed', finishedAt: new Date() }, meta, new Date()),
    ]);
    expect([x, y].filter(Boolean)).toHaveLength(1);
    const actions = await auditActions(sent!.id);
    expect(actions.slice(0, 2)).toEqual(['command.create', 'command.send']);
    expect(actions).toHaveLength(3);
  });
});

describe('expireDueCommands', () => {
  it('expires unacknowledged commands past their time to live once, audited; leaves the rest', async () => {
    const w = await world();
    const repo = commandRepo(tdb.handle.db, w.tenantId);
    const long = new Date(Date.now() - 120_000);
    const [overduePending] = await repo.create([input(w.devA.id)], meta, long);
    const [acked] = await repo.create([input(w.devB.id)], meta, long);
    const [fresh] = await repo.create([input(w.devA.id, { ttlSeconds: 3600 })], meta, new Date());
    const devB = deviceCommandRepo(tdb.handle.db, w.tenantId, w.devB.id);
    await devB.transition(acked!.command, { status: 'acknowledged' }, meta, new Date());

    const job = { actor: { type: 'job' as const, id: 'command-expiry' }, requestId: null };
    const now = new Date();
    const expired = await expireDueCommands(
      tdb.handle.db,
      now,
      { tenantId: w.tenantId, limit: 100 },
      job,
    );
    expect(expired.map((c) => c.id)).toEqual([overduePending!.command.id]);
    expect(expired[0]).toMatchObject({ status: 'expired', finishedAt: now });
    expect(
      await expireDueCommands(tdb.handle.db, now, { tenantId: w.tenantId, limit: 100 }, job),
    ).toEqual([]);
    expect(await auditActions(overduePending!.command.id)).toEqual([
      'command.create',
      'command.expire',
    ]);
    expect((await repo.get(fresh!.command.id))?.status).toBe('pending');
    expect((await repo.get(acked!.command.id))?.status).toBe('acknowledged');
  });
});
