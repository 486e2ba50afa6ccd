import type { LiveEvent, LivePublisher } from '@anythingiot/core';
import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import { roomPublisher } from '@anythingiot/rooms/publisher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiDevice, oneReading, seedFacility, signedPost } from '../../../test/device-fixtures.js';
import { call, seedAlertRule, seedTenant } from '../../../test/tenant-fixtures.js';
import { createApp } from '../../app.js';
import { depsFromEnv } from '../../compose.js';
import type { LogEvent } from '../../deps.js';
import { parseWorkerEnv } from '../../env.js';

// What the api hands to the tenant's live room, in Node with a recording publisher in place of
// the room's Durable Object (packages/rooms' tests run the real one in workerd).
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('api_live');
});
afterAll(() => db?.drop());

type Published = { tenantId: string; events: readonly LiveEvent[] };

function appWith(live: LivePublisher) {
  const logs: LogEvent[] = [];
  const app = createApp(
    depsFromEnv(parseWorkerEnv(db.env), {
      log: (event) => logs.push(event),
      live,
    }),
  );
  return { app, logs };
}

function recordingApp() {
  const published: Published[] = [];
  const { app, logs } = appWith({
    publish: async (tenantId, events) => void published.push({ tenantId, events }),
  });
  return { app, logs, published };
}

async function deviceInFacility(app: ReturnType<typeof createApp>) {
  const { tenantId, key } = await seedTenant(db);
  const facility = await seedFacility(db, tenantId);
  const device = await apiDevice(app, key, { facilityId: facility.id });
  return { tenantId, key, facilityId: facility.id, device };
}

describe('live updates from ingest', () => {
  it('announces a committed batch with its facility, points and newest values, once', async () => {
    const { app, published } = recordingApp();
    const { tenantId, facilityId, device } = await deviceInFacility(app);
    const body = JSON.stringify({
      readings: [
        { ts: new Date(Date.now() - 2_000).toISOString(), temperature: 4.1, humidity: 50 },
        { ts: new Date(Date.now() - 1_000).toISOString(), temperature: 4.3 },
      ],
    });
    const before = Date.now();
    expect((await signedPost(app, device, '/v1/ingest', body)).status).toBe(200);
    expect(published).toHaveLength(1);
    const [event] = published[0]!.events;
    expect(published[0]!.tenantId).toBe(tenantId);
    expect(event).toMatchObject({
      type: 'readings',
      deviceId: device.deviceId,
      facilityId,
      latest: { temperature: { value: 4.3 }, humidity: { value: 50 } },
    });
    expect(event?.type === 'readings' && event.points).toHaveLength(3);
    expect(event?.type === 'readings' && event.acceptedAt).toBeGreaterThanOrEqual(before);

    // A retry of the same readings is all duplicates: nothing new, nothing announced.
    const again = await signedPost(app, device, '/v1/ingest', body, {
      timestamp: String(Date.now() + 1),
    });
    expect(again.status).toBe(200);
    expect(published).toHaveLength(1);
  });

  it('announces an alert the batch raised after its readings, and nothing for a refused post', async () => {
    const { app, published } = recordingApp();
    const { tenantId, device } = await deviceInFacility(app);
    await seedAlertRule(db, tenantId, { durationSeconds: 0 });
    expect((await signedPost(app, device, '/v1/ingest', oneReading(12))).status).toBe(200);
    expect(published.at(-1)?.events.map((e) => e.type)).toEqual(['readings', 'alert']);
    expect(published.at(-1)?.events[1]).toMatchObject({
      change: 'opened',
      alert: { deviceId: device.deviceId, status: 'active', severity: 'critical' },
    });
    const count = published.length;
    const forged = await signedPost(app, device, '/v1/ingest', oneReading(), {
      signature: '0'.repeat(64),
    });
    expect(forged.status).toBe(401);
    expect(published).toHaveLength(count);
  });

  it('announces an acknowledgement made through the API', async () => {
    const { app, published } = recordingApp();
    const { tenantId, key, device } = await deviceInFacility(app);
    await seedAlertRule(db, tenantId, { durationSeconds: 0 });
    await signedPost(app, device, '/v1/ingest', oneReading(12));
    const opened = published.at(-1)?.events[1];
    if (opened?.type !== 'alert') throw new Error('no alert raised');
    const res = await call(app, key, 'POST', `/v1/alerts/${opened.alert.id}/acknowledge`, {
      comment: 'moving the stock',
    });
    expect(res.status).toBe(200);
    expect(published.at(-1)?.events).toEqual([
      expect.objectContaining({
        type: 'alert',
        change: 'acknowledged',
        alert: expect.objectContaining({ id: opened.alert.id, status: 'acknowledged' }),
      }),
    ]);
  });

  it('a room that fails never fails the post: the device gets 200, the failure is logged', async () => {
    const failing = roomPublisher(
      {
        idFromName: (name) => name,
        get: () => ({
          publish: async () => {
            throw new Error('room unavailable');
          },
        }),
      },
      (event) => logs.push(event),
    );
    const { app, logs } = appWith(failing);
    const { device } = await deviceInFacility(app);
    const res = await signedPost(app, device, '/v1/ingest', oneReading());
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 10));
    expect(logs).toContainEqual(
      expect.objectContaining({ warning: 'live_publish_failed', error: 'Error: room unavailable' }),
    );
  });
});
