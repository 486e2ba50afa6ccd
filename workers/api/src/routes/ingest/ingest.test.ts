import { newDeviceSecret, newId, sealSecret, signDeviceRequest } from '@anythingiot/core';
import { deviceRepo, schema } from '@anythingiot/db';
import { freePort, startNeonProxy } from '@anythingiot/devstack';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appForEnv,
  createTestApp,
  registerDevice as register,
  type TestApp,
} from '../../../test/harness.js';
import { createApp } from '../../app.js';
import { depsFromEnv } from '../../compose.js';
import { parseWorkerEnv } from '../../env.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp('api_ingest');
});
afterAll(() => t?.db.drop());

const meta = { actor: { type: 'system' as const, id: 'test' }, requestId: null };
const registerDevice = () => register(t.db);

type Post = {
  body: string;
  deviceId: string;
  secret: string;
  timestamp?: string;
  path?: string;
  tamper?: (b: string) => string;
};
async function post(app: TestApp['app'], p: Post) {
  const timestamp = p.timestamp ?? String(Date.now());
  const signature = await signDeviceRequest(p.secret, p.body, timestamp);
  return app.request(p.path ?? '/v1/ingest', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-device-id': p.deviceId,
      'x-timestamp': timestamp,
      'x-signature': signature,
    },
    body: p.tamper ? p.tamper(p.body) : p.body,
  });
}

const guideBody = (temperature = 4.2, ts = new Date(Date.now() - 1000).toISOString()) =>
  JSON.stringify({
    readings: [{ ts, sensor_id: 'sensor-001', temperature, humidity: 55, door_status: 'closed' }],
  });

async function storedCount(deviceId: string) {
  return (
    await t.db.handle.db
      .select()
      .from(schema.readings)
      .where(eq(schema.readings.deviceId, deviceId))
  ).length;
}

describe('POST /v1/ingest', () => {
  it("stores the guide's format on both paths and answers what happened", async () => {
    const d = await registerDevice();
    const res = await post(t.app, { body: guideBody(), ...d, path: '/api/sensors/ingest' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ accepted: 3, duplicates: 0, rejected: [], commands: [] });
    expect(Math.abs(Date.parse(body.serverTime) - Date.now())).toBeLessThan(5_000);
    expect(await storedCount(d.deviceId)).toBe(3);
    expect((await post(t.app, { body: guideBody(5), ...d })).status).toBe(200);
    expect(await storedCount(d.deviceId)).toBe(6);
  });

  it('a retry of the same readings (new signature) is all duplicates', async () => {
    const d = await registerDevice();
    const body = guideBody();
    await post(t.app, { body, ...d });
    const again = await post(t.app, { body, ...d, timestamp: String(Date.now() + 1) });
    expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 3 });
    expect(await storedCount(d.deviceId)).toBe(3);
  });

  it('stores the valid readings of a partly invalid batch and lists the rest', async () => {
    const d = await registerDevice();
    const body = JSON.stringify({
      readings: [
        { ts: Date.now() - 5, metrics: { temperature: 5 } },
        { ts: 'nope', metrics: { temperature: 5 } },
      ],
    });
    const res = await post(t.app, { body, ...d });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      accepted: 1,
      rejected: [{ index: 1, code: 'invalid_timestamp' }],
    });
  });
});

describe('refusals store nothing', () => {
  const cases: [
    string,
    (d: Awaited<ReturnType<typeof registerDevice>>) => Promise<Response>,
    number,
    string,
  ][] = [
    [
      'a tampered body',
      (d) => post(t.app, { body: guideBody(), ...d, tamper: (b) => b.replace('4.2', '2.4') }),
      401,
      'bad_signature',
    ],
    [
      'a wrong secret',
      (d) => post(t.app, { body: guideBody(), ...d, secret: newDeviceSecret() }),
      401,
      'bad_signature',
    ],
    [
      'an unknown device (same answer)',
      (d) => post(t.app, { body: guideBody(), ...d, deviceId: newId('device') }),
      401,
      'bad_signature',
    ],
    [
      'a stale timestamp',
      (d) => post(t.app, { body: guideBody(), ...d, timestamp: String(Date.now() - 10 * 60_000) }),
      401,
      'stale_timestamp',
    ],
    ['malformed JSON', (d) => post(t.app, { body: '{"readings":[', ...d }), 422, 'malformed_json'],
    [
      'only invalid readings',
      (d) => post(t.app, { body: `{"readings":[{"ts":${Date.now()},"temperature":1e999}]}`, ...d }),
      422,
      'all_readings_invalid',
    ],
    [
      'a reading far in the future',
      (d) => post(t.app, { body: guideBody(4, '2099-01-01T00:00:00Z'), ...d }),
      422,
      'all_readings_invalid',
    ],
    [
      'more than 1,000 readings',
      (d) =>
        post(t.app, {
          body: JSON.stringify({
            readings: Array.from({ length: 1001 }, (_, i) => ({
              ts: Date.now() - i,
              temperature: 4,
            })),
          }),
          ...d,
        }),
      422,
      'too_many_readings',
    ],
    [
      'a body over 256 KiB',
      (d) =>
        post(t.app, { body: JSON.stringify({ readings: [], pad: 'x'.repeat(300_000) }), ...d }),
      413,
      'body_too_large',
    ],
    [
      'missing headers',
      async () => t.app.request('/v1/ingest', { method: 'POST', body: guideBody() }),
      400,
      'missing_headers',
    ],
  ];
  it.each(cases)('%s', async (_name, send, status, code) => {
    const d = await registerDevice();
    const res = await send(d);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status, code });
    expect(await storedCount(d.deviceId)).toBe(0);
  });

  it('an exact replay inside the window is refused and creates nothing', async () => {
    const d = await registerDevice();
    const timestamp = String(Date.now());
    const first = await post(t.app, { body: guideBody(), ...d, timestamp });
    expect(first.status).toBe(200);
    const other = guideBody(9);
    const replay = await post(t.app, { body: other, ...d, timestamp }); // different body: not a replay
    expect(replay.status).toBe(200);
    const exact = await post(t.app, { body: other, ...d, timestamp });
    expect(exact.status).toBe(401);
    expect(await exact.json()).toMatchObject({ code: 'replayed' });
    expect(await storedCount(d.deviceId)).toBe(6);
  });
});

describe('credentials', () => {
  it('rotation keeps the old secret working through the grace period; revocation is immediate', async () => {
    const d = await registerDevice();
    const repo = deviceRepo(t.db.handle.db, d.tenantId);
    const next = newDeviceSecret();
    await repo.rotateSecret(
      d.deviceId,
      await sealSecret(d.keyring, next),
      d.keyring.current,
      3600,
      meta,
    );
    expect((await post(t.app, { body: guideBody(4.1), ...d })).status).toBe(200);
    expect((await post(t.app, { body: guideBody(4.3), ...d, secret: next })).status).toBe(200);
    await repo.revoke(d.deviceId, meta);
    const res = await post(t.app, { body: guideBody(4.4), ...d, secret: next });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'revoked' });
  });
});

describe('degraded dependencies', () => {
  it('keeps ingesting when Redis is down (replay guard and rate limit degrade, logged)', async () => {
    const d = await registerDevice();
    const { app, logs } = appForEnv({
      ...t.db.env,
      UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${await freePort()}`,
    });
    const res = await post(app, { body: guideBody(), ...d });
    expect(res.status).toBe(200);
    expect(await storedCount(d.deviceId)).toBe(3);
    expect(logs.some((l) => l.warning === 'redis_degraded')).toBe(true);
  });

  it('answers 503 with Retry-After when storage is unreachable', async () => {
    const d = await registerDevice();
    const { app } = appForEnv({ ...t.db.env, NEON_WS_PROXY: `127.0.0.1:${await freePort()}/v1` });
    const res = await post(app, { body: guideBody(), ...d });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({ code: 'storage_unavailable' });
  });

  it('answers 503 when the hot path cannot reach Postgres over HTTP; nothing written', async () => {
    const d = await registerDevice();
    // Warm the Redis credential cache: the next app then goes straight to the ingest statement,
    // which is the one sent over Neon's HTTP mode.
    expect((await post(t.app, { body: guideBody(4.1), ...d })).status).toBe(200);
    const deadPostgres = await freePort();
    const proxy = await startNeonProxy({ port: 0, postgresPort: deadPostgres });
    try {
      const url = new URL(t.db.env.DATABASE_URL as string);
      url.port = String(deadPostgres);
      const envs: Record<string, string>[] = [
        // Nothing listens at the HTTP endpoint.
        { NEON_HTTP_ENDPOINT: `http://127.0.0.1:${await freePort()}/sql` },
        // The endpoint answers, but the Postgres behind it is down.
        { NEON_HTTP_ENDPOINT: proxy.sqlEndpoint, DATABASE_URL: url.toString() },
      ];
      for (const env of envs) {
        const { app, logs } = appForEnv({ ...t.db.env, ...env });
        const res = await post(app, { body: guideBody(4.3), ...d });
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('5');
        expect(await res.json()).toMatchObject({ code: 'storage_unavailable' });
        expect(logs.some((l) => l.warning === 'redis_degraded')).toBe(false); // Redis was used
      }
    } finally {
      await proxy.close();
    }
    expect(await storedCount(d.deviceId)).toBe(3); // the first post's three readings only
  });

  it('answers 429 with Retry-After over the per-device rate', async () => {
    const d = await registerDevice();
    const { app } = appForEnv({ ...t.db.env, INGEST_RATE_LIMIT_PER_MINUTE: '2' });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 3; i++) {
      last = await post(app, {
        body: guideBody(4 + i / 10),
        ...d,
        timestamp: String(Date.now() + i),
      });
      statuses.push(last.status);
    }
    // A minute boundary may fall between the posts; then fewer are counted, never more.
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    if (statuses[2] === 429) expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await storedCount(d.deviceId)).toBe(statuses.filter((s) => s === 200).length * 3);
  });

  it('a post refused with 429 may be retried unchanged once the window has passed (not a replay)', async () => {
    const d = await registerDevice();
    let clock = Math.floor(Date.now() / 60_000) * 60_000 + 1_000;
    const deps = depsFromEnv(parseWorkerEnv({ ...t.db.env, INGEST_RATE_LIMIT_PER_MINUTE: '1' }), {
      log: () => {},
    });
    const app = createApp({ ...deps, now: () => clock });
    expect((await post(app, { body: guideBody(4), ...d, timestamp: String(clock) })).status).toBe(
      200,
    );
    const body = guideBody(5);
    const timestamp = String(clock + 1);
    const refused = await post(app, { body, ...d, timestamp });
    expect(refused.status).toBe(429);
    expect(await storedCount(d.deviceId)).toBe(3);
    clock += 60_000; // the next window; the signed timestamp is still inside the replay window
    const retried = await post(app, { body, ...d, timestamp });
    expect(retried.status).toBe(200);
    expect(await storedCount(d.deviceId)).toBe(6);
  });
});
