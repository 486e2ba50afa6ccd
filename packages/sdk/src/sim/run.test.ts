import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BufferedReading } from '../store.js';
import { startIngestServer } from '../testing/ingest-server.js';
import { createDeviceModel } from './model.js';
import { fileDeviceState } from './node.js';
import { alignToInterval, runSimulation, type SimEvent } from './run.js';

const DEVICE_ID = 'dev_01simtest';
const SECRET = 'sim-device-secret';
const INTERVAL = 10_000;
const MIN = 60_000;

type Server = Awaited<ReturnType<typeof startIngestServer>>;
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

async function server(options: Partial<Parameters<typeof startIngestServer>[0]> = {}) {
  const s = await startIngestServer({ deviceId: DEVICE_ID, secret: SECRET, ...options });
  cleanup.push(() => s.close());
  return s;
}

/** Everything the server acknowledged, in the order it arrived. */
const delivered = (s: Server): BufferedReading[] => s.accepted().flatMap((r) => r.readings);

describe('runSimulation against a protocol-checking ingest server', () => {
  it('a dropout is buffered and backfilled: every reading arrives once, in order, contiguous', async () => {
    const api = await server();
    const start = alignToInterval(Date.now() - 30 * MIN, INTERVAL);
    const events: SimEvent[] = [];
    const summary = await runSimulation({
      url: api.url,
      devices: [{ deviceId: DEVICE_ID, secret: SECRET, kind: 'fridge' }],
      seed: 3,
      intervalMs: INTERVAL,
      speed: Number.POSITIVE_INFINITY,
      start,
      durationMs: 20 * MIN,
      scenario: {
        excursions: [],
        dropouts: [{ device: DEVICE_ID, atMs: 5 * MIN, durationMs: 4 * MIN }],
      },
      onEvent: (e) => events.push(e),
    });

    const got = delivered(api);
    expect(got).toHaveLength(120);
    expect(got.map((r) => r.seq)).toEqual(got.map((_, i) => i));
    expect(got.map((r) => r.ts)).toEqual(got.map((_, i) => start + i * INTERVAL));
    // Exactly the model's readings for this seed: the transport neither lost nor altered any.
    const model = createDeviceModel({
      deviceId: DEVICE_ID,
      kind: 'fridge',
      seed: 3,
      start,
      intervalMs: INTERVAL,
    });
    expect(got).toEqual(got.map(() => model.next()));

    // During the dropout nothing reached the server; the first post after it was the backlog.
    const posts = api.accepted().map((r) => r.readings.map((x) => x.seq));
    const backfill = posts.find((seqs) => seqs.length > 1);
    expect(backfill).toEqual(Array.from({ length: 25 }, (_, i) => 30 + i));
    expect(events.map((e) => e.type)).toEqual(['offline', 'online']);
    expect(summary).toMatchObject({
      generated: 120,
      sent: 120,
      accepted: 120,
      buffered: 0,
      errors: 0,
      offline: 0,
    });
  });

  it('posts batches of --batch readings', async () => {
    const api = await server();
    await runSimulation({
      url: api.url,
      devices: [{ deviceId: DEVICE_ID, secret: SECRET, kind: 'freezer' }],
      intervalMs: INTERVAL,
      batchSize: 6,
      speed: Number.POSITIVE_INFINITY,
      start: alignToInterval(Date.now() - 10 * MIN, INTERVAL),
      durationMs: 3 * MIN - INTERVAL,
    });
    // 17 readings: two full batches, then the partial last one sent when the run ends.
    expect(api.accepted().map((r) => r.readings.length)).toEqual([6, 6, 5]);
  });

  it("counts readings, not the api's per-metric figures, and rejected readings as errors", async () => {
    // The real api counts one stored value per metric; the summary must still add up in readings.
    const api = await server({
      script: [
        (readings) => ({
          status: 200,
          body: {
            accepted: readings.length * 6 - 6,
            duplicates: 0,
            rejected: [{ index: 0, code: 'too_old' }],
          },
        }),
      ],
    });
    const summary = await runSimulation({
      url: api.url,
      devices: [{ deviceId: DEVICE_ID, secret: SECRET, kind: 'fridge' }],
      intervalMs: INTERVAL,
      batchSize: 4,
      speed: Number.POSITIVE_INFINITY,
      start: alignToInterval(Date.now() - 10 * MIN, INTERVAL),
      durationMs: 8 * INTERVAL,
    });
    expect(summary).toMatchObject({ generated: 8, sent: 8, accepted: 7, errors: 1, buffered: 0 });
  });

  it('an api that keeps failing: readings stay buffered and the summary says why', async () => {
    const api = await server({
      script: Array.from({ length: 1_000 }, () => ({
        status: 503,
        headers: { 'Retry-After': '0' },
      })),
    });
    const summary = await runSimulation({
      url: api.url,
      devices: [{ deviceId: DEVICE_ID, secret: SECRET, kind: 'fridge' }],
      intervalMs: INTERVAL,
      speed: Number.POSITIVE_INFINITY,
      start: alignToInterval(Date.now() - 10 * MIN, INTERVAL),
      durationMs: 2 * MIN,
    });
    expect(summary).toMatchObject({
      generated: 12,
      sent: 0,
      buffered: 12,
      retrying: 1,
      lastError: 'HTTP 503',
      errors: 0,
    });
  });

  it('an api that recovers: the backlog goes out in order and retrying clears', async () => {
    const api = await server({ script: [{ status: 500 }, { status: 500 }, { status: 500 }] });
    const summary = await runSimulation({
      url: api.url,
      devices: [{ deviceId: DEVICE_ID, secret: SECRET, kind: 'fridge' }],
      intervalMs: INTERVAL,
      speed: Number.POSITIVE_INFINITY,
      start: alignToInterval(Date.now() - 10 * MIN, INTERVAL),
      durationMs: 2 * MIN,
    });
    expect(summary).toMatchObject({ generated: 12, sent: 12, buffered: 0, retrying: 0 });
    expect(summary.lastError).toBeUndefined();
    expect(delivered(api).map((r) => r.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('a restart keeps what the last run could not deliver and continues the sequence', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-state-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const api = await server();
    const device = { deviceId: DEVICE_ID, secret: SECRET, kind: 'room' as const };
    const start = alignToInterval(Date.now() - 20 * MIN, INTERVAL);
    const first = await runSimulation({
      url: api.url,
      devices: [device],
      intervalMs: INTERVAL,
      speed: Number.POSITIVE_INFINITY,
      start,
      durationMs: 5 * MIN,
      // Offline until after the run ends: the last 2 minutes never leave the device.
      scenario: {
        excursions: [],
        dropouts: [{ device: '*', atMs: 3 * MIN, durationMs: 10 * MIN }],
      },
      stateFor: (id) => fileDeviceState(dir, id),
    });
    expect(first).toMatchObject({ generated: 30, accepted: 18, buffered: 12 });

    const second = await runSimulation({
      url: api.url,
      devices: [device],
      intervalMs: INTERVAL,
      speed: Number.POSITIVE_INFINITY,
      start: start + 5 * MIN,
      durationMs: 2 * MIN,
      stateFor: (id) => fileDeviceState(dir, id),
    });
    expect(second).toMatchObject({ generated: 12, accepted: 24, buffered: 0 });
    const got = delivered(api);
    expect(got.map((r) => r.seq)).toEqual(got.map((_, i) => i));
    expect(got.map((r) => r.ts)).toEqual(got.map((_, i) => start + i * INTERVAL));
  });

  it('stops a device the api refuses, keeping its readings', async () => {
    const api = await server();
    const events: SimEvent[] = [];
    const summary = await runSimulation({
      url: api.url,
      devices: [{ deviceId: DEVICE_ID, secret: 'not-the-secret', kind: 'fridge' }],
      intervalMs: INTERVAL,
      speed: Number.POSITIVE_INFINITY,
      start: alignToInterval(Date.now() - 10 * MIN, INTERVAL),
      durationMs: 5 * MIN,
      onEvent: (e) => events.push(e),
    });
    expect(events).toEqual([
      expect.objectContaining({ type: 'stopped', reason: '401 bad_signature' }),
    ]);
    expect(summary).toMatchObject({ generated: 1, accepted: 0, stopped: 1, buffered: 1 });
  });

  it('stops promptly when aborted, live, with nothing lost from the store', async () => {
    const api = await server();
    const controller = new AbortController();
    const start = alignToInterval(Date.now() + 100, 1_000);
    const done = runSimulation({
      url: api.url,
      devices: [{ deviceId: DEVICE_ID, secret: SECRET, kind: 'fridge' }],
      intervalMs: 1_000,
      start,
      signal: controller.signal,
    });
    // Halfway between two readings, so no post is in flight when the abort lands.
    await new Promise((r) => setTimeout(r, start + 1_500 - Date.now()));
    const abortedAt = Date.now();
    controller.abort();
    const summary = await done;
    expect(Date.now() - abortedAt).toBeLessThan(500);
    expect(summary).toMatchObject({ generated: 2, accepted: 2, buffered: 0 });
    expect(delivered(api).map((r) => r.seq)).toEqual([0, 1]);
  });
});
