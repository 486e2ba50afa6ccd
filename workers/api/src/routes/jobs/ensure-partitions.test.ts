import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import { ensurePartitionsJob } from '@anythingiot/services';
import { Client } from '@upstash/qstash';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app.js';
import { depsFromEnv } from '../../compose.js';
import { parseWorkerEnv } from '../../env.js';
import { ensureJobSchedules, JOB_SCHEDULES } from './schedules.js';

// The job served over real HTTP so the QStash emulator can deliver to it with real
// Upstash-Signature JWTs, verified by the app's own Receiver. The app's clock says January
// 2031, so the partitions the job creates are visible (today's months exist since migration).
let db: TestDatabase;
let base: string;
let qstash: Client;
const seen: { path: string; headers: IncomingHttpHeaders; body: string; status: number }[] = [];
let server: ReturnType<typeof createServer>;

beforeAll(async () => {
  db = await createTestDatabase('api_jobs');
  const deps = depsFromEnv(parseWorkerEnv(db.env), {
    log: () => {},
  });
  const app = createApp({ ...deps, now: () => Date.parse('2031-01-15T08:00:00Z') });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.url?.startsWith('/capture/')) {
        // Another destination, outside the app: only records what QStash sent it.
        seen.push({ path: req.url, headers: req.headers, body, status: 200 });
        res.writeHead(200).end('ok');
        return;
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string') headers.set(k, v);
      const response = await app.fetch(
        new Request(`${base}${req.url}`, {
          method: req.method,
          headers,
          ...(req.method === 'GET' ? {} : { body }),
        }),
      );
      seen.push({ path: req.url ?? '', headers: req.headers, body, status: response.status });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  qstash = new Client({ baseUrl: db.env.QSTASH_URL!, token: db.env.QSTASH_TOKEN! });
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await db?.drop();
});

async function partitions2031() {
  const { rows } = await db.handle.db.execute<{ name: string }>(
    sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'readings'::regclass and c.relname like 'readings_2031%' order by 1`,
  );
  return rows.map((r) => r.name);
}

async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const post = (headers: Record<string, string>, body = '{}') =>
  fetch(`${base}${ensurePartitionsJob.path}`, { method: 'POST', headers, body });

describe('POST /v1/jobs/ensure-partitions', () => {
  it('refuses an unsigned or badly signed call and creates nothing', async () => {
    const unsigned = await post({ 'content-type': 'application/json' });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ code: 'bad_job_signature' });
    const forged = await post({ 'upstash-signature': 'eyJhbGciOiJIUzI1NiJ9.e30.bad' });
    expect(forged.status).toBe(401);

    // A genuine QStash signature, but for another URL: not valid here.
    const { messageId } = await qstash.publishJSON({ url: `${base}/capture/other-job`, body: {} });
    const other = await waitFor(() =>
      seen.find((s) => s.headers['upstash-message-id'] === messageId),
    );
    const replayed = await post(
      { 'upstash-signature': String(other.headers['upstash-signature']) },
      other.body,
    );
    expect(replayed.status).toBe(401);
    expect(await partitions2031()).toEqual([]);
  });

  it('a signed delivery through QStash creates this month and the next three; redelivery changes nothing', async () => {
    const deliver = async () => {
      const { messageId } = await qstash.publishJSON({
        url: `${base}${ensurePartitionsJob.path}`,
        body: {},
      });
      return waitFor(() => seen.find((s) => s.headers['upstash-message-id'] === messageId));
    };
    expect((await deliver()).status).toBe(200);
    expect(await partitions2031()).toEqual([
      'readings_2031_01',
      'readings_2031_02',
      'readings_2031_03',
      'readings_2031_04',
    ]);
    expect((await deliver()).status).toBe(200);
    expect(await partitions2031()).toHaveLength(4);
  });

  it('each job schedule exists once, however often jobs:schedule runs', async () => {
    await ensureJobSchedules(qstash, base);
    await ensureJobSchedules(qstash, base);
    const ours = (await qstash.schedules.list()).filter((s) =>
      JOB_SCHEDULES.some((j) => j.scheduleId === s.scheduleId),
    );
    try {
      expect(ours.map((s) => [s.scheduleId, s.cron, s.destination]).sort()).toEqual(
        JOB_SCHEDULES.map((j) => [j.scheduleId, j.cron, `${base}${j.path}`]).sort(),
      );
      expect(ours.find((s) => s.scheduleId === 'anythingiot-ensure-partitions')).toMatchObject({
        cron: '17 3 * * *',
        destination: `${base}${ensurePartitionsJob.path}`,
      });
    } finally {
      for (const s of ours) await qstash.schedules.delete(s.scheduleId);
    }
  });
});
