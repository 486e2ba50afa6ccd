import type { LiveEvent } from '@anythingiot/core';
import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiDevice, oneReading, seedFacility, signedPost } from '../../../test/device-fixtures.js';
import { call, seedTenant } from '../../../test/tenant-fixtures.js';
import { createApp } from '../../app.js';
import { depsFromEnv } from '../../compose.js';
import { parseWorkerEnv } from '../../env.js';

// Command status on the dashboards: what the api hands to the tenant room at each step, with a
// recording publisher in place of the room (the room itself is tested in workerd).
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('api_commands_live');
});
afterAll(() => db?.drop());

describe('command status, live', () => {
  it('publishes each status change with the device’s facility, and a failing room fails nothing', async () => {
    const published: { tenantId: string; events: readonly LiveEvent[] }[] = [];
    let roomDown = false;
    const app = createApp(
      depsFromEnv(parseWorkerEnv(db.env), {
        log: () => {},
        live: {
          publish: async (tenantId, events) => {
            if (roomDown) throw new Error('room unreachable');
            published.push({ tenantId, events });
          },
        },
      }),
    );
    const { tenantId, key } = await seedTenant(db);
    const facility = await seedFacility(db, tenantId);
    const device = await apiDevice(app, key, { facilityId: facility.id });
    const created = await (
      await call(app, key, 'POST', `/v1/devices/${device.deviceId}/commands`, { type: 'ping' })
    ).json();
    await signedPost(app, device, '/v1/ingest', oneReading());
    await signedPost(
      app,
      device,
      '/v1/devices/commands/ack',
      JSON.stringify({ results: [{ commandId: created.id, error: 'unsupported' }] }),
    );
    const statuses = published
      .flatMap((p) => p.events.map((e) => ({ tenantId: p.tenantId, ...e })))
      .filter((e) => e.type === 'command_status');
    expect(statuses).toEqual([
      expect.objectContaining({ tenantId, commandId: created.id, status: 'pending' }),
      expect.objectContaining({ commandId: created.id, status: 'sent' }),
      expect.objectContaining({ commandId: created.id, status: 'failed', detail: 'unsupported' }),
    ]);
    expect(statuses[0]).toMatchObject({
      deviceId: device.deviceId,
      facilityId: facility.id,
      command: 'ping',
    });

    roomDown = true;
    const res = await call(app, key, 'POST', `/v1/devices/${device.deviceId}/commands`, {
      type: 'ping',
    });
    expect(res.status).toBe(201);
  });
});
