import type { LiveEvent } from '@anythingiot/core';
import { deviceRepo } from '@anythingiot/db';
import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  commandExpiryJob,
  commandNotifier,
  countFacilityCommandTargets,
  createCommand,
  createDevice,
  createFacilityCommands,
  type QStashPublishRequest,
  qstashJobs,
  revokeDevice,
} from '../src/index.js';
import { memberCtx, refusal, seedTenant } from './fixtures.js';

// What happens once commands are committed (shared by the api and the dashboard), and how many
// devices a facility command would reach, against real Postgres.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('services_command_notifier');
});
afterAll(() => db?.drop());

async function world() {
  const { tenantId, facilities } = await seedTenant(db, ['Berlin', 'Chicago']);
  const [berlin, chicago] = facilities as [(typeof facilities)[0], (typeof facilities)[0]];
  const { ctx } = await memberCtx(db, tenantId, null);
  const device = async (name: string, facilityId: string | null) =>
    (await createDevice({ ctx, input: { name, facilityId } })).device;
  return {
    tenantId,
    berlin,
    chicago,
    ctx,
    fridge: await device('Fridge', berlin.id),
    freezer: await device('Freezer', berlin.id),
    loose: await device('Spare', null),
  };
}

/** A notifier with recording parts, and what each part was asked to do. */
function recording(failing: string[] = []) {
  const seen = {
    jobs: [] as QStashPublishRequest[],
    published: [] as { tenantId: string; events: readonly LiveEvent[] }[],
    pushed: [] as string[],
    logged: [] as Record<string, unknown>[],
  };
  const fail = (part: string) => {
    if (failing.includes(part)) throw new Error(`${part} down`);
  };
  const notifier = commandNotifier({
    jobs: qstashJobs(
      {
        publishJSON: async (job) => {
          fail('qstash');
          seen.jobs.push(job);
        },
      },
      'https://api.example.com',
    ),
    live: {
      publish: async (tenantId, events) => {
        fail('live');
        seen.published.push({ tenantId, events });
      },
    },
    downlink: {
      deliver: async (deviceId) => {
        fail('downlink');
        seen.pushed.push(deviceId);
      },
      credentialsChanged: async () => {},
    },
    facilitiesOf: (tenantId, ids) => deviceRepo(db.handle.db, tenantId).facilityIdsOf(ids),
    now: () => 1_800_000_000_000,
    log: (event) => seen.logged.push(event),
  });
  return { notifier, seen };
}

describe('commandNotifier', () => {
  it('schedules one expiry per instant, pushes each device once and publishes each status with its facility', async () => {
    const w = await world();
    const { notifier, seen } = recording();
    const bulk = await createFacilityCommands({
      ctx: w.ctx,
      input: { facilityId: w.berlin.id, type: 'ping', ttlSeconds: 60 },
    });
    const single = await createCommand({
      ctx: w.ctx,
      input: { deviceId: w.loose.id, type: 'reboot', ttlSeconds: 60 },
    });
    await notifier.created([...bulk.commands, single.command]);

    const instants = new Set([...bulk.commands, single.command].map((c) => c.expiresAt.getTime()));
    expect(seen.jobs).toHaveLength(instants.size);
    for (const at of instants) {
      expect(seen.jobs).toContainEqual({
        url: `https://api.example.com${commandExpiryJob.path}`,
        body: { tenantId: w.tenantId },
        deduplicationId: `command-expiry:${w.tenantId}:${at}`,
        retries: 3,
        notBefore: Math.ceil(at / 1_000),
      });
    }
    expect(seen.pushed.sort()).toEqual([w.fridge.id, w.freezer.id, w.loose.id].sort());
    expect(seen.published).toHaveLength(1);
    expect(seen.published[0]?.tenantId).toBe(w.tenantId);
    expect(seen.published[0]?.events).toEqual(
      expect.arrayContaining([
        {
          type: 'command_status',
          commandId: single.command.id,
          deviceId: w.loose.id,
          facilityId: null,
          command: 'reboot',
          status: 'pending',
          at: 1_800_000_000_000,
          detail: null,
        },
        expect.objectContaining({ deviceId: w.fridge.id, facilityId: w.berlin.id }),
        expect.objectContaining({ deviceId: w.freezer.id, facilityId: w.berlin.id }),
      ]),
    );
    expect(seen.logged).toEqual([]);
  });

  it('a part that fails only logs: the others still run, nothing throws', async () => {
    const w = await world();
    const { notifier, seen } = recording(['qstash', 'downlink']);
    const { command } = await createCommand({
      ctx: w.ctx,
      input: { deviceId: w.fridge.id, type: 'ping' },
    });
    await notifier.created([command]);
    expect(seen.published.flatMap((p) => p.events.map((e) => e.type))).toEqual(['command_status']);
    expect(seen.logged.map((l) => l.warning).sort()).toEqual([
      'command_expiry_schedule_failed',
      'command_push_failed',
    ]);
    expect(seen.logged[0]?.commandIds).toEqual([command.id]);
  });

  it('announces a change (a result) with the device’s answer, shortened', async () => {
    const w = await world();
    const { notifier, seen } = recording();
    const { command } = await createCommand({
      ctx: w.ctx,
      input: { deviceId: w.fridge.id, type: 'ping' },
    });
    await notifier.changed([
      { ...command, status: 'failed', error: 'x'.repeat(600) },
      { ...command, status: 'completed', response: { pong: true } },
    ]);
    const events = seen.published.flatMap((p) => p.events);
    expect(events.map((e) => e.type === 'command_status' && [e.status, e.detail])).toEqual([
      ['failed', `${'x'.repeat(497)}…`],
      ['completed', '{"pong":true}'],
    ]);
    expect(seen.jobs).toEqual([]);
    expect(seen.pushed).toEqual([]);
  });
});

describe('countFacilityCommandTargets', () => {
  it('counts the active devices a facility command would reach', async () => {
    const w = await world();
    expect(
      await countFacilityCommandTargets({ ctx: w.ctx, input: { facilityId: w.berlin.id } }),
    ).toEqual({ facilityId: w.berlin.id, devices: 2, tooMany: false });
    await revokeDevice({ ctx: w.ctx, input: { id: w.freezer.id } });
    expect(
      (await countFacilityCommandTargets({ ctx: w.ctx, input: { facilityId: w.berlin.id } }))
        .devices,
    ).toBe(1);
    expect(
      (await countFacilityCommandTargets({ ctx: w.ctx, input: { facilityId: w.chicago.id } }))
        .devices,
    ).toBe(0);
  });

  it('answers another tenant’s facility, one outside the scope or a malformed id with NOT_FOUND', async () => {
    const w = await world();
    const other = await world();
    const limited = (await memberCtx(db, w.tenantId, [w.chicago.id])).ctx;
    for (const [ctx, id] of [
      [w.ctx, other.berlin.id],
      [limited, w.berlin.id],
      [w.ctx, 'not-an-id'],
    ] as const) {
      expect(
        await refusal(countFacilityCommandTargets({ ctx, input: { facilityId: id } }), id),
      ).toMatchObject({ code: 'NOT_FOUND' });
    }
  });
});
