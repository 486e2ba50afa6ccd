import { schema } from '@anythingiot/db';
import {
  alignToInterval,
  KIND_PROFILES,
  runSimulation,
  type SimDevice,
} from '@anythingiot/sdk/sim';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, registerDevice, type TestApp } from './harness.js';

// The simulator as a library against the real api and Postgres: the app's own fetch is the
// transport, so every simulated post goes through signature checks, parsing and storage.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp('api_sim');
});
afterAll(() => t?.db.drop());

const INTERVAL = 10_000;
const MIN = 60_000;
const METRICS = ['battery', 'door', 'humidity', 'power', 'rssi', 'temperature'];

async function stored(deviceId: string) {
  return t.db.handle.db
    .select()
    .from(schema.readings)
    .where(eq(schema.readings.deviceId, deviceId))
    .orderBy(asc(schema.readings.ts), asc(schema.readings.metric));
}

describe('anythingiot-sim against the real api', () => {
  it('lands every reading of a few simulated minutes in Postgres, gap-free across a dropout', async () => {
    const kinds = ['fridge', 'freezer', 'room'] as const;
    const devices: SimDevice[] = [];
    for (const kind of kinds) {
      const { deviceId, secret } = await registerDevice(t.db, `sim ${kind}`);
      devices.push({ deviceId, secret, kind });
    }
    const [fridge, freezer] = devices as [SimDevice, SimDevice, SimDevice];
    const start = alignToInterval(Date.now() - 15 * MIN, INTERVAL);
    const summary = await runSimulation({
      url: 'http://api.test/v1/ingest',
      fetch: async (input, init) => t.app.request(String(input), init as RequestInit),
      devices,
      seed: 11,
      intervalMs: INTERVAL,
      batchSize: 3,
      speed: Number.POSITIVE_INFINITY,
      start,
      durationMs: 8 * MIN,
      scenario: {
        excursions: [{ device: fridge.deviceId, atMs: 2 * MIN, durationMs: 3 * MIN, delta: 6 }],
        dropouts: [{ device: freezer.deviceId, atMs: 3 * MIN, durationMs: 2 * MIN }],
      },
    });
    const perDevice = (8 * MIN) / INTERVAL;
    expect(summary).toMatchObject({
      generated: 3 * perDevice,
      sent: 3 * perDevice,
      accepted: 3 * perDevice,
      buffered: 0,
      errors: 0,
    });

    for (const device of devices) {
      const rows = await stored(device.deviceId);
      // One row per metric per reading, each reading on the grid with its own sequence number.
      expect(rows).toHaveLength(perDevice * METRICS.length);
      const times = [...new Set(rows.map((r) => r.ts.getTime()))];
      expect(times).toEqual(times.map((_, i) => start + i * INTERVAL));
      for (let i = 0; i < perDevice; i++) {
        const reading = rows.slice(i * METRICS.length, (i + 1) * METRICS.length);
        expect(reading.map((r) => r.metric)).toEqual(METRICS);
        expect(new Set(reading.map((r) => r.seq))).toEqual(new Set([i]));
      }
    }

    // The dropout was backfilled in one post once the network returned: readings from the first
    // offline one to the first online one share a receipt time, later than the reading before.
    const freezerRows = (await stored(freezer.deviceId)).filter((r) => r.metric === 'temperature');
    const at = (ms: number) => freezerRows[ms / INTERVAL]!.receivedAt.getTime();
    expect(at(3 * MIN)).toBe(at(5 * MIN));
    expect(at(3 * MIN)).toBeGreaterThan(at(3 * MIN - INTERVAL));

    // The scripted excursion is in the stored data, where it was scripted.
    const [, high] = KIND_PROFILES.fridge.band;
    const fridgeTemps = (await stored(fridge.deviceId)).filter((r) => r.metric === 'temperature');
    const warm = fridgeTemps.filter((r) => r.value > high).map((r) => r.ts.getTime() - start);
    expect(warm.length).toBeGreaterThanOrEqual((2 * MIN) / INTERVAL);
    expect(Math.min(...warm)).toBeGreaterThanOrEqual(2 * MIN);
    expect(Math.max(...warm)).toBeLessThan(5 * MIN + 45_000);
  });
});
