import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  newDeviceSecret,
  newId,
  parseKeyring,
  sealSecret,
  signDeviceRequest,
} from '@anythingiot/core';
import { createTenant, deviceRepo } from '@anythingiot/db';
import { migrateDatabase } from '@anythingiot/db/migrate';
import { createNodeDb } from '@anythingiot/db/node';
import { freePort, startWranglerDev } from '@anythingiot/devstack';
import pg from 'pg';
import { startBenchStack } from './bench-stack.js';
import { cpuPerPost, sampleCpu } from './cpu.js';

// `npm run bench:ingest`: signed posts through the real Worker (wrangler dev, workerd) from many
// devices; prints throughput, ack latency, and checks that every acknowledged reading is in
// the database. Then the raw batched-insert rate of the same Postgres, for the ratio.
// Knobs: DEVICES (100), BATCH (50), CONCURRENCY (16), SECONDS (20).
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEVICES = Number(process.env.DEVICES ?? 100);
const BATCH = Number(process.env.BATCH ?? 50);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const SECONDS = Number(process.env.SECONDS ?? 20);

const { dataDir, stack, stop } = await startBenchStack('ingest');
try {
  const dbUrl = stack.postgres.url(stack.database);
  await migrateDatabase(dbUrl);
  const env = { ...stack.env, INGEST_RATE_LIMIT_PER_MINUTE: '1000000' };
  const handle = createNodeDb(env);
  const system = { type: 'system' as const, id: 'bench' };
  const tenant = await createTenant(handle.db, { name: 'Bench', slug: newId('request') }, system);
  const keyring = await parseKeyring(env.SECRETS_KEYRING!);
  const devices: { id: string; secret: string; next: number }[] = [];
  for (let i = 0; i < DEVICES; i++) {
    const secret = newDeviceSecret();
    const d = await deviceRepo(handle.db, tenant.id).create(
      { name: `bench-${i}` },
      await sealSecret(keyring, secret),
      keyring.current,
      { actor: system, requestId: null },
    );
    // Each device walks forward from an hour ago, one reading per 100 ms: unique identities.
    devices.push({ id: d.id, secret, next: Date.now() - 3_600_000 });
  }
  await handle.close();

  const worker = await startWranglerDev({
    cwd: ROOT,
    port: await freePort(),
    env,
    envFile: join(dataDir, 'worker.env'),
  });
  try {
    const url = `${worker.url}/v1/ingest`;
    const latencies: number[] = [];
    let acknowledged = 0;
    let failures = 0;
    const refusals = new Map<string, number>();
    let posts = 0;
    const cpuBefore = sampleCpu();
    const deadline = performance.now() + SECONDS * 1000;
    const started = performance.now();
    let cursor = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < deadline) {
          const device = devices[cursor++ % devices.length]!;
          const readings = Array.from({ length: BATCH }, () => {
            device.next += 100;
            return { ts: device.next, metrics: { temperature: 4 + Math.random(), humidity: 50 } };
          });
          const body = JSON.stringify({ readings });
          const timestamp = String(Date.now());
          const signature = await signDeviceRequest(device.secret, body, timestamp);
          const t0 = performance.now();
          const res = await fetch(url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-device-id': device.id,
              'x-timestamp': timestamp,
              'x-signature': signature,
            },
            body,
          });
          const answer = (await res.json()) as { accepted?: number; code?: string };
          latencies.push(performance.now() - t0);
          posts++;
          if (res.status === 200) acknowledged += answer.accepted ?? 0;
          else {
            failures++;
            const why = `${res.status} ${answer.code ?? ''}`.trim();
            refusals.set(why, (refusals.get(why) ?? 0) + 1);
          }
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const cpuAfter = sampleCpu();
    const client = new pg.Client(dbUrl);
    await client.connect();
    const { rows } = await client.query<{ n: string }>('select count(*) as n from readings');
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!.toFixed(1);
    console.log(
      `ingest through wrangler dev (workerd): ${DEVICES} devices, batch ${BATCH} readings x 2 metrics, concurrency ${CONCURRENCY}, ${SECONDS} s`,
    );
    const why = [...refusals].map(([k, n]) => `${n} × ${k}`).join(', ');
    console.log(
      `  posts/s            ${(posts / elapsed).toFixed(0)}   (non-200: ${failures}${why ? `: ${why}` : ''})`,
    );
    console.log(
      `  readings/s         ${(acknowledged / elapsed).toFixed(0)}   (metric values acknowledged per second)`,
    );
    console.log(`  ack latency        p50 ${pct(0.5)} ms   p99 ${pct(0.99)} ms`);
    console.log(`  CPU ms per post    ${cpuPerPost(cpuBefore, cpuAfter, posts)}`);
    console.log(
      `  rows in database   ${rows[0]!.n}   acknowledged ${acknowledged}   missing ${acknowledged - Number(rows[0]!.n)}`,
    );

    // The same Postgres, raw: batched multi-row inserts of the same shape, no HTTP, no checks.
    await client.query(
      'create table raw_bench (device_id text, metric text, ts timestamptz, value float8, primary key (device_id, metric, ts))',
    );
    const rawStart = performance.now();
    let rawRows = 0;
    let ts = Date.now();
    while (performance.now() - rawStart < 5_000) {
      const values: string[] = [];
      for (let i = 0; i < 1000; i++) {
        ts += 100;
        values.push(`('d','temperature',to_timestamp(${ts / 1000}),4.2)`);
      }
      await client.query(`insert into raw_bench values ${values.join(',')}`);
      rawRows += 1000;
    }
    console.log(
      `  raw Postgres batch insert (1,000-row statements, one connection): ${(rawRows / ((performance.now() - rawStart) / 1000)).toFixed(0)} rows/s`,
    );
    await client.end();
  } finally {
    await worker.stop();
  }
} finally {
  await stop();
}
