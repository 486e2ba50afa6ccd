import { type Command, commandRepo, deviceRepo, schema } from '@anythingiot/db';
import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  claimCommands,
  createCommand,
  createDevice,
  createFacilityCommands,
  type DeviceCtx,
  expireCommands,
  getCommand,
  listDeviceCommands,
  reportCommands,
  revokeDevice,
  type TenantCtx,
} from '../src/index.js';
import { fingerprint, memberCtx, refusal, seedTenant } from './fixtures.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('services_commands');
});
afterAll(() => db?.drop());

/** Every row of commands and the audit log: equal before and after = nothing written. */
async function written() {
  const { rows } = await db.handle.db.$client.query<{ c: string; a: string }>(
    `select (select md5(coalesce(string_agg(r::text, '|' order by r::text), '')) from commands r) as c,
            (select count(*) from audit_log) as a`,
  );
  return { ...rows[0], ...(await fingerprint(db)) };
}

type Notified = { created: string[][]; changed: [string, string][][] };

/** A tenant with two facilities and a device in each; an admin context that records notices. */
async function world() {
  const { tenantId, facilities } = await seedTenant(db, ['Berlin', 'Chicago']);
  const [facA, facB] = facilities as [(typeof facilities)[0], (typeof facilities)[0]];
  const notified: Notified = { created: [], changed: [] };
  const { ctx: admin } = await memberCtx(db, tenantId, null);
  admin.ports.commands = {
    created: async (cs) => void notified.created.push(cs.map((c) => c.id)),
    changed: async (cs) => void notified.changed.push(cs.map((c) => [c.id, c.status])),
  };
  const device = async (name: string, facilityId: string) =>
    (await createDevice({ ctx: admin, input: { name, facilityId } })).device;
  const devA = await device('Fridge A', facA.id);
  const devA2 = await device('Freezer A', facA.id);
  const devB = await device('Fridge B', facB.id);
  const deviceCtx = (deviceId: string): DeviceCtx => ({
    tenantId,
    deviceId,
    requestId: null,
    db: db.handle.db,
    ports: admin.ports,
  });
  return { tenantId, facA, facB, devA, devA2, devB, admin, notified, deviceCtx };
}

const auditOf = async (id: string) =>
  (
    await db.handle.db
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.targetId, id))
      .orderBy(schema.auditLog.seq)
  ).map((a) => `${a.action} by ${a.actorType}`);

describe('createCommand', () => {
  it('creates a pending command, audited as its creator, and announces it', async () => {
    const w = await world();
    const { command, created } = await createCommand({
      ctx: w.admin,
      input: { deviceId: w.devA.id, type: 'set_report_interval', payload: { seconds: 30 } },
    });
    expect(created).toBe(true);
    expect(command).toMatchObject({
      status: 'pending',
      type: 'set_report_interval',
      payload: { seconds: 30 },
      ttlSeconds: 3600,
      createdBy: w.admin.actor,
    });
    expect(command.expiresAt.getTime() - command.createdAt.getTime()).toBe(3_600_000);
    expect(await auditOf(command.id)).toEqual(['command.create by user']);
    expect(w.notified.created).toEqual([[command.id]]);
  });

  it('returns the same command for the same idempotency key and device, announced once', async () => {
    const w = await world();
    const input = { deviceId: w.devA.id, type: 'ping', idempotencyKey: 'retry-me', ttlSeconds: 60 };
    const first = await createCommand({ ctx: w.admin, input });
    const before = await written();
    const again = await createCommand({ ctx: w.admin, input: { ...input, payload: {} } });
    expect(again).toEqual({ command: first.command, created: false });
    expect(await written()).toEqual(before);
    expect(w.notified.created).toHaveLength(1);
  });

  it('refuses a reused key with a different command (409) and writes nothing', async () => {
    const w = await world();
    await createCommand({
      ctx: w.admin,
      input: { deviceId: w.devA.id, type: 'ping', idempotencyKey: 'k', payload: { a: 1, b: 2 } },
    });
    // Same object, keys in another order: the same command.
    await createCommand({
      ctx: w.admin,
      input: { deviceId: w.devA.id, type: 'ping', idempotencyKey: 'k', payload: { b: 2, a: 1 } },
    });
    const before = await written();
    const refused = await refusal(
      createCommand({
        ctx: w.admin,
        input: { deviceId: w.devA.id, type: 'reboot', idempotencyKey: 'k' },
      }),
    );
    expect(refused).toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'idempotency_key_reused' },
    });
    expect(await written()).toEqual(before);
  });

  it('answers every bad field at once (422) and writes nothing', async () => {
    const w = await world();
    const before = await written();
    const refused = await refusal(
      createCommand({
        ctx: w.admin,
        input: { deviceId: w.devA.id, type: 'Bad Type', ttlSeconds: 10 ** 9, payload: 'x' },
      }),
    );
    expect(refused.code).toBe('VALIDATION');
    expect(refused.details.errors?.map((e) => e.path).sort()).toEqual([
      'payload',
      'ttlSeconds',
      'type',
    ]);
    expect(await written()).toEqual(before);
  });

  it('refuses a revoked device (409)', async () => {
    const w = await world();
    await revokeDevice({ ctx: w.admin, input: { id: w.devA2.id } });
    const before = await written();
    expect(
      await refusal(createCommand({ ctx: w.admin, input: { deviceId: w.devA2.id, type: 'ping' } })),
    ).toMatchObject({ code: 'CONFLICT', details: { reason: 'device_revoked' } });
    expect(await written()).toEqual(before);
  });

  it('answers another tenant’s device and one outside the caller’s facilities like an unknown one', async () => {
    const w = await world();
    const other = await world();
    const limitedToA = (await memberCtx(db, w.tenantId, [w.facA.id])).ctx;
    const unknown = 'dev_0000000000000000000a';
    const attempts: [TenantCtx, string][] = [
      [w.admin, other.devA.id],
      [limitedToA, w.devB.id],
      [w.admin, 'not-an-id'],
    ];
    const before = await written();
    const expected = await refusal(
      createCommand({ ctx: w.admin, input: { deviceId: unknown, type: 'ping' } }),
      unknown,
    );
    expect(expected.code).toBe('NOT_FOUND');
    for (const [ctx, id] of attempts) {
      expect(
        await refusal(createCommand({ ctx, input: { deviceId: id, type: 'ping' } }), id),
      ).toEqual(expected);
    }
    expect(await written()).toEqual(before);
    // The limited member can command its own facility's device.
    await createCommand({ ctx: limitedToA, input: { deviceId: w.devA.id, type: 'ping' } });
  });
});

describe('createFacilityCommands', () => {
  it('commands every active device of the facility in one go; a retry with the key returns the same', async () => {
    const w = await world();
    await revokeDevice({ ctx: w.admin, input: { id: w.devA2.id } });
    const input = { facilityId: w.facA.id, type: 'ping', idempotencyKey: 'bulk-1' };
    const first = await createFacilityCommands({ ctx: w.admin, input });
    expect(first.created).toBe(1);
    expect(first.commands.map((c) => c.deviceId)).toEqual([w.devA.id]);
    // A device registered since gets its command on the retry; the others are returned as they are.
    const late = (
      await createDevice({ ctx: w.admin, input: { name: 'Late', facilityId: w.facA.id } })
    ).device;
    const retry = await createFacilityCommands({ ctx: w.admin, input });
    expect(retry.created).toBe(1);
    expect(retry.commands.map((c) => c.deviceId)).toEqual([w.devA.id, late.id]);
    expect(retry.commands[0]?.id).toBe(first.commands[0]?.id);
  });

  it('is all or nothing: one device’s key used for another command refuses the whole batch', async () => {
    const w = await world();
    const extra = (
      await createDevice({ ctx: w.admin, input: { name: 'Third', facilityId: w.facA.id } })
    ).device;
    await createCommand({
      ctx: w.admin,
      input: { deviceId: extra.id, type: 'reboot', idempotencyKey: 'same' },
    });
    const before = await written();
    const refused = await refusal(
      createFacilityCommands({
        ctx: w.admin,
        input: { facilityId: w.facA.id, type: 'ping', idempotencyKey: 'same' },
      }),
    );
    expect(refused.details.reason).toBe('idempotency_key_reused');
    expect(await written()).toEqual(before);
  });

  it('answers a facility of another tenant or outside the caller’s scope with 404, writing nothing', async () => {
    const w = await world();
    const other = await world();
    const limitedToA = (await memberCtx(db, w.tenantId, [w.facA.id])).ctx;
    const before = await written();
    for (const [ctx, id] of [
      [w.admin, other.facA.id],
      [limitedToA, w.facB.id],
    ] as const) {
      expect(
        await refusal(createFacilityCommands({ ctx, input: { facilityId: id, type: 'ping' } }), id),
      ).toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(await written()).toEqual(before);
  });
});

describe('getCommand / listDeviceCommands', () => {
  it('pages a device’s commands newest first; hides them across tenants and facilities', async () => {
    const w = await world();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        (await createCommand({ ctx: w.admin, input: { deviceId: w.devB.id, type: `t${i}` } }))
          .command.id,
      );
    }
    const page1 = await listDeviceCommands({
      ctx: w.admin,
      input: { deviceId: w.devB.id, limit: 2 },
    });
    expect(page1.items.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    const page2 = await listDeviceCommands({
      ctx: w.admin,
      input: { deviceId: w.devB.id, limit: 2, cursor: page1.nextCursor! },
    });
    expect(page2).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });
    expect((await getCommand({ ctx: w.admin, input: { id: ids[0]! } })).type).toBe('t0');

    const limitedToA = (await memberCtx(db, w.tenantId, [w.facA.id])).ctx;
    const other = await world();
    for (const ctx of [limitedToA, other.admin]) {
      expect(await refusal(getCommand({ ctx, input: { id: ids[0]! } }), ids[0])).toMatchObject({
        code: 'NOT_FOUND',
      });
      expect(
        await refusal(listDeviceCommands({ ctx, input: { deviceId: w.devB.id, limit: 10 } })),
      ).toMatchObject({ code: 'NOT_FOUND' });
    }
  });
});

describe('the device side', () => {
  async function sentCommand(w: Awaited<ReturnType<typeof world>>, ttlSeconds = 3600) {
    const { command } = await createCommand({
      ctx: w.admin,
      input: { deviceId: w.devA.id, type: 'ping', ttlSeconds },
    });
    const [sent] = await claimCommands({
      ctx: w.deviceCtx(w.devA.id),
      input: { immediately: true },
    });
    expect(sent?.id).toBe(command.id);
    return sent as Command;
  }

  it('runs the lifecycle: sent → acknowledged → completed, each change audited as the device', async () => {
    const w = await world();
    const cmd = await sentCommand(w);
    const device = w.deviceCtx(w.devA.id);
    expect(
      await reportCommands({ ctx: device, input: { acks: [cmd.id], results: [], progress: [] } }),
    ).toEqual([{ commandId: cmd.id, ok: true, status: 'acknowledged' }]);
    // A repeated ack and progress change no status (progress is kept, not audited).
    expect(
      await reportCommands({
        ctx: device,
        input: { acks: [cmd.id], results: [], progress: [{ commandId: cmd.id, progress: 40 }] },
      }),
    ).toEqual([
      { commandId: cmd.id, ok: true, status: 'acknowledged' },
      { commandId: cmd.id, ok: true, status: 'acknowledged' },
    ]);
    const result = { commandId: cmd.id, response: { pong: true }, error: null };
    expect(
      await reportCommands({ ctx: device, input: { acks: [], results: [result], progress: [] } }),
    ).toEqual([{ commandId: cmd.id, ok: true, status: 'completed' }]);
    const stored = await getCommand({ ctx: w.admin, input: { id: cmd.id } });
    expect(stored).toMatchObject({ status: 'completed', response: { pong: true }, progress: 40 });
    expect(stored.finishedAt).toBeInstanceOf(Date);
    expect(await auditOf(cmd.id)).toEqual([
      'command.create by user',
      'command.send by device',
      'command.acknowledge by device',
      'command.complete by device',
    ]);
    expect(w.notified.changed.flat()).toEqual([
      [cmd.id, 'sent'],
      [cmd.id, 'acknowledged'],
      [cmd.id, 'completed'],
    ]);
    // The same result again is a repeat; a different outcome is refused.
    const before = await written();
    expect(
      await reportCommands({
        ctx: device,
        input: {
          acks: [],
          results: [result, { commandId: cmd.id, error: 'disk full' }],
          progress: [],
        },
      }),
    ).toEqual([
      { commandId: cmd.id, ok: true, status: 'completed' },
      expect.objectContaining({ ok: false, reason: 'already_completed' }),
    ]);
    expect(await written()).toEqual(before);
  });

  it('a failure report without an ack is a result all the same', async () => {
    const w = await world();
    const cmd = await sentCommand(w);
    await reportCommands({
      ctx: w.deviceCtx(w.devA.id),
      input: { acks: [], results: [{ commandId: cmd.id, error: 'unsupported' }], progress: [] },
    });
    const stored = await getCommand({ ctx: w.admin, input: { id: cmd.id } });
    expect(stored).toMatchObject({ status: 'failed', error: 'unsupported' });
    expect(stored.acknowledgedAt).toBeInstanceOf(Date);
  });

  it('refuses, item by item and writing nothing: unknown ids, another device’s command, not yet sent, expired', async () => {
    const w = await world();
    const expired = await sentCommand(w, 1);
    const pending = (
      await createCommand({ ctx: w.admin, input: { deviceId: w.devA.id, type: 'later' } })
    ).command;
    const otherDevice = (
      await createCommand({ ctx: w.admin, input: { deviceId: w.devB.id, type: 'ping' } })
    ).command;
    await new Promise((r) => setTimeout(r, 1_100));
    const before = await written();
    const outcomes = await reportCommands({
      ctx: w.deviceCtx(w.devA.id),
      input: {
        acks: ['cmd_0000000000000000000a', 'garbage', otherDevice.id, pending.id, expired.id],
        results: [],
        progress: [],
      },
    });
    expect(outcomes.map((o) => (o.ok ? o.status : o.reason))).toEqual([
      'not_found',
      'not_found',
      'not_found',
      'not_delivered',
      'expired',
    ]);
    expect(await written()).toEqual(before);
  });

  it('the expiry job expires what is overdue, once, as the job', async () => {
    const w = await world();
    const cmd = await sentCommand(w, 1);
    await new Promise((r) => setTimeout(r, 1_100));
    const ctx = { db: db.handle.db, ports: w.admin.ports, requestId: null };
    const expired = await expireCommands({
      ctx,
      input: { tenantId: w.tenantId, commandId: cmd.id },
    });
    expect(expired.map((c) => [c.id, c.status])).toEqual([[cmd.id, 'expired']]);
    expect(await expireCommands({ ctx, input: { commandId: cmd.id } })).toEqual([]);
    expect(await auditOf(cmd.id)).toEqual([
      'command.create by user',
      'command.send by device',
      'command.expire by job',
    ]);
    // An expired command is never handed over again.
    expect(
      await claimCommands({ ctx: w.deviceCtx(w.devA.id), input: { immediately: true } }),
    ).toEqual([]);
  });

  it('a failing notifier is logged, never fails the command', async () => {
    const w = await world();
    const logged: Record<string, unknown>[] = [];
    w.admin.ports.commands = {
      created: async () => {
        throw new Error('room unreachable');
      },
      changed: async () => {},
    };
    w.admin.ports.log = (e) => void logged.push(e);
    const { command } = await createCommand({
      ctx: w.admin,
      input: { deviceId: w.devA.id, type: 'ping' },
    });
    expect(command.status).toBe('pending');
    expect(logged).toEqual([expect.objectContaining({ warning: 'command_notify_failed' })]);
    expect((await commandRepo(db.handle.db, w.tenantId).get(command.id))?.status).toBe('pending');
    expect(await deviceRepo(db.handle.db, w.tenantId).get(w.devA.id)).toBeDefined();
  });
});
