import { afterEach, describe, expect, it } from 'vitest';
import { createDeviceClient, type DeviceClientOptions } from './client.js';
import { memoryStore, type Reading } from './store.js';
import { startIngestServer } from './testing/ingest-server.js';

const DEVICE_ID = 'dev_01sdktest';
const SECRET = 'device-secret-for-tests';

type Server = Awaited<ReturnType<typeof startIngestServer>>;
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(options: Partial<Parameters<typeof startIngestServer>[0]> = {}) {
  const s = await startIngestServer({ deviceId: DEVICE_ID, secret: SECRET, ...options });
  servers.push(s);
  return s;
}

/** Records backoff delays instead of waiting; time moves 1 ms per read, and through `sleep`. */
function fakeTime(start = Date.now()) {
  let t = start;
  const delays: number[] = [];
  return {
    delays,
    now: () => t++,
    sleep: async (ms: number) => {
      delays.push(ms);
      t += ms;
    },
  };
}

function client(url: string, extra: Partial<DeviceClientOptions> = {}) {
  const time = fakeTime();
  const c = createDeviceClient({
    url,
    deviceId: DEVICE_ID,
    secret: SECRET,
    now: time.now,
    sleep: time.sleep,
    random: () => 1,
    ...extra,
  });
  return { client: c, delays: time.delays };
}

function readings(count: number, from = 0): Reading[] {
  return Array.from({ length: count }, (_, i) => ({
    ts: Date.UTC(2026, 0, 1, 0, from + i),
    seq: from + i,
    metrics: { temperature: 4 + (from + i) / 10, humidity: 55, door: 0, battery: 87 },
  }));
}

const seqs = (rs: Array<{ seq?: number }>) => rs.map((r) => r.seq);

describe('createDeviceClient', () => {
  it('sends a request the api verifies, with Dates serialised to ISO strings', async () => {
    const api = await server();
    const { client: c } = client(api.url);

    const ts = new Date('2026-03-01T12:00:00.000Z');
    const result = await c.send({ ts, seq: 7, metrics: { temperature: 4.2, door: 1 } });

    expect(result).toMatchObject({ accepted: 1, pending: 0, stopped: undefined });
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]).toMatchObject({
      status: 200,
      deviceId: DEVICE_ID,
      readings: [
        { ts: '2026-03-01T12:00:00.000Z', seq: 7, metrics: { temperature: 4.2, door: 1 } },
      ],
    });
  });

  it('is refused with bad_signature under the wrong secret, and keeps the reading', async () => {
    const api = await server();
    const { client: c } = client(api.url, { secret: 'not-the-secret' });

    const result = await c.send(readings(1));

    expect(result.stopped).toEqual({ reason: 'unauthorized', status: 401, code: 'bad_signature' });
    expect(result.pending).toBe(1);
    expect(api.accepted()).toHaveLength(0);
  });

  it('posts oldest first in batches of at most maxBatch', async () => {
    const api = await server();
    const store = memoryStore();
    await store.append(readings(7).map((r) => ({ ...r, ts: r.ts as number })));
    const { client: c } = client(api.url, { store, maxBatch: 3 });

    const result = await c.flush();

    expect(api.requests.map((r) => r.readings.length)).toEqual([3, 3, 1]);
    expect(api.requests.flatMap((r) => seqs(r.readings))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(result).toMatchObject({ accepted: 7, pending: 0 });
  });

  it('keeps readings buffered while offline and backfills them in order later', async () => {
    const api = await server();
    const port = api.port;
    await api.close(); // connection refused from now on
    const { client: c, delays } = client(api.url, { retry: { attempts: 3 } });

    const offline = await c.send(readings(4));

    expect(offline.stopped).toMatchObject({ reason: 'retries_exhausted', status: undefined });
    expect(offline.pending).toBe(4);
    expect(delays).toHaveLength(2); // 3 attempts, 2 waits between them

    await api.listen(port);
    const online = await c.send(readings(2, 4));

    expect(online).toMatchObject({ accepted: 6, pending: 0, stopped: undefined });
    expect(api.accepted().flatMap((r) => seqs(r.readings))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('honours Retry-After on 503 and 429, capped at maxMs', async () => {
    const api = await server({
      script: [
        { status: 503, headers: { 'Retry-After': '2' } },
        { status: 429, headers: { 'Retry-After': '120' } },
      ],
    });
    const { client: c, delays } = client(api.url, { retry: { maxMs: 30_000 } });

    const result = await c.send(readings(2));

    expect(delays).toEqual([2_000, 30_000]);
    expect(result).toMatchObject({ accepted: 2, pending: 0 });
    expect(api.requests.map((r) => r.status)).toEqual([503, 429, 200]);
  });

  it('backs off exponentially with full jitter and stops after `attempts`, keeping data', async () => {
    const api = await server({ script: Array(10).fill({ status: 500 }) });
    const { client: c, delays } = client(api.url, {
      random: () => 0.5,
      retry: { attempts: 4, baseMs: 100, maxMs: 150 },
    });

    const result = await c.send(readings(3));

    expect(delays).toEqual([50, 75, 75]); // 0.5 × min(150, 100·2^(n-1))
    expect(api.requests).toHaveLength(4);
    expect(result.stopped).toEqual({ reason: 'retries_exhausted', status: 500, error: undefined });
    expect(result.pending).toBe(3);
  });

  it('re-signs each retry with a fresh timestamp the server accepts', async () => {
    const api = await server({ script: [{ status: 503, headers: { 'Retry-After': '1' } }] });
    const { client: c } = client(api.url);

    await c.send(readings(1));

    const [first, second] = api.requests;
    expect(first?.status).toBe(503);
    expect(second?.status).toBe(200); // a re-sent signature would have been refused as replayed
    const gap = second!.timestamp! - first!.timestamp!;
    expect(gap).toBeGreaterThanOrEqual(1_000); // the Retry-After wait, plus clock reads
    expect(gap).toBeLessThan(1_010);
    expect(second?.signature).not.toBe(first?.signature);
  });

  it('stops on 401 without looping and keeps the data for after re-provisioning', async () => {
    const api = await server({
      script: [{ status: 401, body: { code: 'revoked', title: 'Device revoked' } }],
    });
    const { client: c, delays } = client(api.url);

    const result = await c.send(readings(3));

    expect(result.stopped).toEqual({ reason: 'unauthorized', status: 401, code: 'revoked' });
    expect(result.pending).toBe(3);
    expect(api.requests).toHaveLength(1);
    expect(delays).toEqual([]);

    const later = await c.flush();
    expect(later).toMatchObject({ accepted: 3, pending: 0 });
  });

  it('stops on 400 (a configuration bug) and keeps the data', async () => {
    const api = await server({ script: [{ status: 400, body: { code: 'bad_headers' } }] });
    const { client: c } = client(api.url);

    const result = await c.send(readings(2));

    expect(result.stopped).toEqual({ reason: 'client_error', status: 400, code: 'bad_headers' });
    expect(result.pending).toBe(2);
  });

  it('drops a batch the api calls invalid (422), reports it, and carries on', async () => {
    const api = await server({
      script: [{ status: 422, body: { code: 'invalid_reading', detail: 'unknown metric' } }],
    });
    const { client: c } = client(api.url, { maxBatch: 2 });

    const result = await c.send(readings(4));

    expect(result.dropped).toHaveLength(1);
    expect(result.dropped[0]).toMatchObject({
      status: 422,
      code: 'invalid_reading',
      detail: 'unknown metric',
    });
    expect(seqs(result.dropped[0]!.readings)).toEqual([0, 1]);
    expect(result).toMatchObject({ accepted: 2, pending: 0, stopped: undefined });
    expect(seqs(api.accepted()[0]!.readings)).toEqual([2, 3]);
  });

  it('splits a batch on 413 and drops only a single reading that is still too large', async () => {
    const api = await server({
      script: [{ status: 413 }, { status: 413 }, { status: 413 }],
    });
    const { client: c } = client(api.url);

    const result = await c.send(readings(4));

    // [0..3] → 413, [0,1] → 413, [0] → 413 dropped; then [1] and, grown back, [2,3] accepted.
    expect(api.requests.map((r) => seqs(r.readings))).toEqual([
      [0, 1, 2, 3],
      [0, 1],
      [0],
      [1],
      [2, 3],
    ]);
    expect(result.dropped.map((d) => seqs(d.readings))).toEqual([[0]]);
    expect(result).toMatchObject({ accepted: 3, pending: 0 });
  });

  it('drops readings rejected individually and reports them', async () => {
    const api = await server({
      script: [
        (rs) => ({
          status: 200,
          body: {
            accepted: rs.length - 1,
            duplicates: 0,
            rejected: [{ index: 1, code: 'out_of_range', detail: 'temperature' }],
            serverTime: new Date().toISOString(),
            commands: [
              { id: 'cmd_1', type: 'reboot', payload: {}, expiresAt: '2030-01-01T00:00:00Z' },
              { type: 'malformed, ignored' },
            ],
          },
        }),
      ],
    });
    const { client: c } = client(api.url);

    const result = await c.send(readings(3));

    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]).toMatchObject({ code: 'out_of_range', detail: 'temperature' });
    expect(result.rejected[0]?.reading.seq).toBe(1);
    expect(result).toMatchObject({
      accepted: 2,
      pending: 0,
      commands: [{ id: 'cmd_1', type: 'reboot', payload: {}, expiresAt: '2030-01-01T00:00:00Z' }],
    });
  });

  it('never posts a reading twice when sends overlap', async () => {
    const api = await server();
    const c = createDeviceClient({ url: api.url, deviceId: DEVICE_ID, secret: SECRET });

    await Promise.all([c.send(readings(3)), c.send(readings(3, 3)), c.send(readings(3, 6))]);

    const sent = api.accepted().flatMap((r) => seqs(r.readings));
    expect(sent).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await c.pending()).toBe(0);
  });

  it('refuses readings that would serialise to null, before buffering them', async () => {
    const api = await server();
    const { client: c } = client(api.url);

    await expect(c.send({ ts: Date.now(), metrics: { temperature: Number.NaN } })).rejects.toThrow(
      /temperature/,
    );
    await expect(c.send({ ts: new Date('nope'), metrics: {} })).rejects.toThrow(/ts/);
    expect(await c.pending()).toBe(0);
    expect(api.requests).toHaveLength(0);
  });
});

describe('clock skew', () => {
  it('corrects X-Timestamp from serverTime when the device clock is more than 2 s off', async () => {
    const api = await server();
    const c = createDeviceClient({
      url: api.url,
      deviceId: DEVICE_ID,
      secret: SECRET,
      now: () => Date.now() - 60_000,
    });

    expect(c.clockSkewMs()).toBeUndefined();
    await c.send(readings(1));
    const skew = c.clockSkewMs();
    expect(skew).toBeGreaterThan(59_000);
    expect(skew).toBeLessThan(61_000);

    await c.send(readings(1, 1));
    const [first, second] = api.requests;
    expect(Math.abs(first!.timestamp! - (Date.now() - 60_000))).toBeLessThan(5_000);
    expect(Math.abs(second!.timestamp! - Date.now())).toBeLessThan(1_000);
  });

  it('leaves X-Timestamp alone for a skew under 2 s (serverTime as unix ms)', async () => {
    const api = await server({ serverTimeAs: 'ms' });
    const c = createDeviceClient({
      url: api.url,
      deviceId: DEVICE_ID,
      secret: SECRET,
      now: () => Date.now() - 1_000,
    });

    await c.send(readings(1));
    await c.send(readings(1, 1));

    expect(c.clockSkewMs()).toBeGreaterThan(500);
    expect(c.clockSkewMs()).toBeLessThan(1_500);
    const second = api.requests[1]!;
    expect(Math.abs(second.timestamp! - (Date.now() - 1_000))).toBeLessThan(400);
  });

  it('recovers from stale_timestamp once by learning the server time from the 401', async () => {
    const api = await server({ windowMs: 5 * 60_000 });
    const c = createDeviceClient({
      url: api.url,
      deviceId: DEVICE_ID,
      secret: SECRET,
      now: () => Date.now() - 10 * 60_000,
    });

    const result = await c.send(readings(2));

    expect(api.requests.map((r) => r.status)).toEqual([401, 200]);
    expect(result).toMatchObject({ accepted: 2, pending: 0, stopped: undefined });
  });

  it('stops on stale_timestamp when the 401 gives no server time', async () => {
    const api = await server({ staleServerTime: false });
    const c = createDeviceClient({
      url: api.url,
      deviceId: DEVICE_ID,
      secret: SECRET,
      now: () => Date.now() - 10 * 60_000,
    });

    const result = await c.send(readings(1));

    expect(result.stopped).toEqual({
      reason: 'unauthorized',
      status: 401,
      code: 'stale_timestamp',
    });
    expect(api.requests).toHaveLength(1);
    expect(result.pending).toBe(1);
  });
});
