import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startNeonProxy, startPostgres } from '@anythingiot/devstack';
import { testStack } from '@anythingiot/devstack/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appForEnv, createTestApp, type TestApp } from '../../../test/harness.js';
import { createApp } from '../../app.js';
import { depsFromEnv } from '../../compose.js';
import { parseWorkerEnv } from '../../env.js';
import { READY_CACHE_MS } from './ready.js';

/** The app on a clock the test moves, counting the Postgres connections readiness opens. */
function appWithClock(env: Record<string, string>) {
  const deps = depsFromEnv(parseWorkerEnv(env), { log: () => {} });
  const clock = { now: Date.now(), connections: 0 };
  const app = createApp({
    ...deps,
    now: () => clock.now,
    openDb: () => {
      clock.connections++;
      return deps.openDb();
    },
  });
  return { app, clock };
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp('api_health');
});
afterAll(() => t?.db.drop());

describe('GET /v1/health', () => {
  it('answers ok with a request id, and logs one wide event', async () => {
    const res = await t.app.request('/v1/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toMatch(/^req_/);
    const lines = t.logs.filter((l) => l.requestId === requestId);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ method: 'GET', path: '/v1/health', status: 200 });
  });

  it('keeps a well-formed upstream request id and replaces a malformed one', async () => {
    const kept = await t.app.request('/v1/health', {
      headers: { 'x-request-id': 'edge-1234567890' },
    });
    expect(kept.headers.get('x-request-id')).toBe('edge-1234567890');
    const replaced = await t.app.request('/v1/health', { headers: { 'x-request-id': '<script>' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^req_/);
  });
});

describe('GET /v1/health/ready', () => {
  it('reports every dependency up with its latency', async () => {
    const res = await t.app.request('/v1/health/ready');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe('ready');
    for (const name of ['postgres', 'redis', 'qstash']) {
      expect(body.checks[name]).toMatchObject({ status: 'up' });
      expect(body.checks[name].latencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('answers 503 naming Redis when Redis is unreachable', async () => {
    const { app } = appForEnv({
      ...t.db.env,
      UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${await freePort()}`,
    });
    const res = await app.request('/v1/health/ready');
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.status).toBe('unavailable');
    expect(body.checks.redis.status).toBe('down');
    expect(body.checks.postgres.status).toBe('up');
    expect(body.checks.qstash.status).toBe('up');
    // An anonymous caller learns what is down, never the backend's error text.
    expect(Object.keys(body.checks.redis).sort()).toEqual(['latencyMs', 'status']);
    expect(JSON.stringify(body)).not.toMatch(/error|ECONNREFUSED|fetch|127\.0\.0\.1/i);
  });

  it('an anonymous flood opens one Postgres connection per few seconds, not one per request', async () => {
    const { app, clock } = appWithClock(t.db.env);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => app.request('/v1/health/ready')),
    );
    for (let i = 0; i < 10; i++) answers.push(await app.request('/v1/health/ready'));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(clock.connections).toBe(1);
    clock.now += READY_CACHE_MS;
    expect((await app.request('/v1/health/ready')).status).toBe(200);
    expect(clock.connections).toBe(2);
  });

  it('answers 503 naming QStash when its token is refused', async () => {
    const { app } = appForEnv({ ...t.db.env, QSTASH_TOKEN: 'not-the-token' });
    const res = await app.request('/v1/health/ready');
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.checks.qstash.status).toBe('down');
    expect(body.checks.redis.status).toBe('up');
  });
});

describe('Postgres outage', () => {
  // A cluster of this test's own, so stopping it cannot disturb other test files.
  let dataDir: string;
  let pgPort: number;
  let stopAll: () => Promise<void>;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'anythingiot-outage-'));
    pgPort = await freePort();
  });
  afterAll(async () => {
    await stopAll?.();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 503 naming Postgres while it is down and recovers without a restart', async () => {
    const start = () => startPostgres({ dataDir, port: pgPort, persistent: true, fast: true });
    let pgServer = await start();
    const proxy = await startNeonProxy({ port: 0, postgresPort: pgPort });
    stopAll = async () => {
      await proxy.close();
      await pgServer.stop();
    };
    const { app, clock } = appWithClock({
      ...testStack().env,
      DATABASE_URL: pgServer.url('postgres'),
      NEON_WS_PROXY: proxy.wsProxy,
    });
    expect((await app.request('/v1/health/ready')).status).toBe(200);

    await pgServer.stop();
    clock.now += READY_CACHE_MS; // past the cached answer
    const down = await app.request('/v1/health/ready');
    expect(down.status).toBe(503);
    const body = await down.json();
    expect(body.checks.postgres.status).toBe('down');
    expect(body.checks.redis.status).toBe('up');

    pgServer = await start();
    clock.now += READY_CACHE_MS;
    expect((await app.request('/v1/health/ready')).status).toBe(200);
  });
});

describe('errors', () => {
  it('answers unknown routes with problem+json', async () => {
    const res = await t.app.request('/v1/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = await res.json();
    expect(body).toMatchObject({ status: 404, title: 'Not found', code: 'not_found' });
    expect(body.instance).toBe(res.headers.get('x-request-id'));
  });

  it('publishes an OpenAPI document generated from the routes', async () => {
    const res = await t.app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/health', '/v1/health/ready']),
    );
  });
});
