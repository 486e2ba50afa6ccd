import { newDeviceSecret } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { createDeviceClient, memoryStore } from '@anythingiot/sdk';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, registerDevice as register, type TestApp } from './harness.js';

// The device SDK against the real api and database: the app's own fetch is the transport, so
// every byte the SDK signs goes through the production ingest path.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp('api_sdk');
});
afterAll(() => t?.db.drop());

describe('device SDK against the real api', () => {
  it('delivers buffered readings once the api is reachable again, in order, nothing lost', async () => {
    const { deviceId, secret } = await register(t.db);
    let online = false;
    const client = createDeviceClient({
      url: 'http://api.test/v1/ingest',
      deviceId,
      secret,
      store: memoryStore(),
      maxBatch: 50,
      retry: { attempts: 1, baseMs: 1, maxMs: 1 },
      sleep: async () => {},
      fetch: async (input, init) => {
        if (!online) throw new TypeError('fetch failed');
        return t.app.request(String(input), init as RequestInit);
      },
    });
    const start = Date.now() - 200 * 1000;
    const readings = Array.from({ length: 120 }, (_, i) => ({
      ts: start + i * 1000,
      seq: i,
      metrics: { temperature: 4 + (i % 5) / 10 },
    }));
    const offline = await client.send(readings);
    expect(offline.accepted).toBe(0);
    expect(await client.pending()).toBe(120);

    online = true;
    const back = await client.flush();
    expect(back).toMatchObject({ accepted: 120, duplicates: 0, pending: 0, stopped: undefined });
    const stored = await t.db.handle.db
      .select()
      .from(schema.readings)
      .where(eq(schema.readings.deviceId, deviceId));
    expect(stored).toHaveLength(120);
    expect(stored.map((r) => r.seq).sort((a, b) => a! - b!)).toEqual(readings.map((r) => r.seq));
  });

  it('stops and keeps its data when the api refuses its credentials', async () => {
    const { deviceId } = await register(t.db);
    const client = createDeviceClient({
      url: 'http://api.test/v1/ingest',
      deviceId,
      secret: newDeviceSecret(),
      store: memoryStore(),
      fetch: async (input, init) => t.app.request(String(input), init as RequestInit),
    });
    const result = await client.send({ ts: Date.now(), metrics: { temperature: 5 } });
    expect(result.stopped).toMatchObject({
      reason: 'unauthorized',
      status: 401,
      code: 'bad_signature',
    });
    expect(result.pending).toBe(1);
  });
});
