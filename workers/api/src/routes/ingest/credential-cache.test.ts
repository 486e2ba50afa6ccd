import {
  deviceAuthCacheKey,
  newDeviceSecret,
  sealSecret,
  signDeviceRequest,
} from '@anythingiot/core';
import { deviceRepo, schema } from '@anythingiot/db';
import { freePort } from '@anythingiot/devstack';
import { invalidateDeviceAuth } from '@anythingiot/services';
import { Redis } from '@upstash/redis';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, registerDevice, type TestApp } from '../../../test/harness.js';
import { createApp } from '../../app.js';
import { depsFromEnv } from '../../compose.js';
import type { LogEvent } from '../../deps.js';
import { parseWorkerEnv } from '../../env.js';

let t: TestApp;
let redis: Redis;
beforeAll(async () => {
  t = await createTestApp('api_credential_cache');
  redis = new Redis({
    url: t.db.env.UPSTASH_REDIS_REST_URL!,
    token: t.db.env.UPSTASH_REDIS_REST_TOKEN!,
    enableTelemetry: false,
  });
});
afterAll(() => t?.db.drop());

const meta = { actor: { type: 'system' as const, id: 'test' }, requestId: null };

/**
 * The real app whose database clients count the statements they send: over the WebSocket pool
 * (`openDb`) and over Neon's HTTP mode (`sqlOverHttp`, one HTTP request per statement).
 */
function countingApp(env = t.db.env) {
  const logs: LogEvent[] = [];
  const deps = depsFromEnv(parseWorkerEnv(env), {
    log: (e) => logs.push(e),
  });
  const counter = { statements: 0, overHttp: 0 };
  const app = createApp({
    ...deps,
    sqlOverHttp: () => {
      const sql = deps.sqlOverHttp();
      return {
        query: <R extends Record<string, unknown>>(text: string, params?: unknown[]) => {
          counter.statements++;
          counter.overHttp++;
          return sql.query<R>(text, params);
        },
      };
    },
    openDb: () => {
      const handle = deps.openDb();
      const query = handle.pool.query.bind(handle.pool);
      handle.pool.query = ((...args: Parameters<typeof query>) => {
        counter.statements++;
        return query(...args);
      }) as typeof query;
      return handle;
    },
  });
  return { app, counter, logs };
}

let tick = 0;
async function post(
  app: ReturnType<typeof createApp>,
  d: { deviceId: string; secret: string },
  temperature = 4,
) {
  // A distinct event time per post, so every accepted post stores new rows.
  const body = JSON.stringify({
    readings: [{ ts: Date.now() - 60_000 + tick++, metrics: { temperature } }],
  });
  const timestamp = String(Date.now() + tick);
  return app.request('/v1/ingest', {
    method: 'POST',
    headers: {
      'x-device-id': d.deviceId,
      'x-timestamp': timestamp,
      'x-signature': await signDeviceRequest(d.secret, body, timestamp),
    },
    body,
  });
}

async function stored(deviceId: string) {
  return (
    await t.db.handle.db
      .select()
      .from(schema.readings)
      .where(eq(schema.readings.deviceId, deviceId))
  ).length;
}

describe('device credential cache', () => {
  it('a warm cache serves a post with one database statement; Redis holds no plaintext secret', async () => {
    const d = await registerDevice(t.db);
    const { app, counter } = countingApp();
    expect((await post(app, d)).status).toBe(200);
    expect(counter.statements).toBe(2); // lookup (then cached) + the ingest statement
    expect(counter.overHttp).toBe(1); // the ingest statement
    const cached = JSON.stringify(await redis.get(deviceAuthCacheKey(d.deviceId)));
    expect(cached).toContain(d.tenantId);
    expect(cached).not.toContain(d.secret);
    counter.statements = 0;
    counter.overHttp = 0;
    expect((await post(app, d)).status).toBe(200);
    expect((await post(app, d)).status).toBe(200);
    expect(counter.statements).toBe(2); // one each…
    expect(counter.overHttp).toBe(2); // …over HTTP: no WebSocket statement at all
    expect(await stored(d.deviceId)).toBe(3);
  });

  it('a credential deleted behind the cache is refused by the ingest statement; nothing written', async () => {
    const d = await registerDevice(t.db);
    expect((await post(t.app, d)).status).toBe(200);
    await t.db.handle.db
      .delete(schema.deviceCredentials)
      .where(eq(schema.deviceCredentials.deviceId, d.deviceId));
    expect(await redis.get(deviceAuthCacheKey(d.deviceId))).not.toBeNull(); // still cached
    const res = await post(t.app, d);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'bad_signature' });
    expect(await stored(d.deviceId)).toBe(1);
    expect(await redis.get(deviceAuthCacheKey(d.deviceId))).toBeNull(); // dropped for the next post
  });

  it('after a rotation nobody told the cache about, the new secret works at once and the old one in grace', async () => {
    const d = await registerDevice(t.db);
    expect((await post(t.app, d)).status).toBe(200); // caches the first secret alone
    const next = newDeviceSecret();
    await deviceRepo(t.db.handle.db, d.tenantId).rotateSecret(
      d.deviceId,
      await sealSecret(d.keyring, next),
      d.keyring.current,
      3600,
      meta,
    );
    expect((await post(t.app, { ...d, secret: next })).status).toBe(200);
    expect((await post(t.app, d)).status).toBe(200);
    expect(await stored(d.deviceId)).toBe(3);
  });

  it('a revocation nobody told the cache about takes effect on the next post; nothing written', async () => {
    const d = await registerDevice(t.db);
    expect((await post(t.app, d)).status).toBe(200);
    await deviceRepo(t.db.handle.db, d.tenantId).revoke(d.deviceId, meta);
    const res = await post(t.app, d);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'revoked' });
    expect(await stored(d.deviceId)).toBe(1);
    // The stale entry is gone; the next post answers from the database, still 'revoked'.
    expect(await redis.get(deviceAuthCacheKey(d.deviceId))).toBeNull();
    expect(await (await post(t.app, d)).json()).toMatchObject({ code: 'revoked' });
    expect(await stored(d.deviceId)).toBe(1);
  });

  it('a grace period that ended while cached no longer verifies; nothing written', async () => {
    const d = await registerDevice(t.db);
    expect((await post(t.app, d)).status).toBe(200);
    // Rotate with no grace: the cached (old) credential expired a moment ago.
    await deviceRepo(t.db.handle.db, d.tenantId).rotateSecret(
      d.deviceId,
      await sealSecret(d.keyring, newDeviceSecret()),
      d.keyring.current,
      0,
      meta,
    );
    const res = await post(t.app, d);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'bad_signature' });
    expect(await stored(d.deviceId)).toBe(1);
  });

  it('another isolate finds the entry in Redis; after invalidateDeviceAuth it reads the database', async () => {
    const d = await registerDevice(t.db);
    await post(countingApp().app, d); // isolate 1 reads the database and fills Redis
    const second = countingApp(); // isolate 2: nothing in memory
    expect((await post(second.app, d)).status).toBe(200);
    expect(second.counter.statements).toBe(1);
    await invalidateDeviceAuth(redis, d.deviceId);
    const third = countingApp();
    expect((await post(third.app, d)).status).toBe(200);
    expect(third.counter.statements).toBe(2);
  });

  it('an entry that does not parse is a miss, not an error', async () => {
    const d = await registerDevice(t.db);
    await redis.set(deviceAuthCacheKey(d.deviceId), { unexpected: true });
    expect((await post(t.app, d)).status).toBe(200);
    expect(await redis.get(deviceAuthCacheKey(d.deviceId))).toMatchObject({ deviceId: d.deviceId });
  });

  it('Redis down: credentials come from the database and ingest still answers 200', async () => {
    const d = await registerDevice(t.db);
    const { app, counter, logs } = countingApp({
      ...t.db.env,
      UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${await freePort()}`, // nothing listens there
    });
    expect((await post(app, d)).status).toBe(200);
    expect(counter.statements).toBe(2);
    expect(await stored(d.deviceId)).toBe(1);
    expect(logs).toContainEqual(
      expect.objectContaining({ warning: 'redis_degraded', op: 'devauth-get' }),
    );
  });
});
