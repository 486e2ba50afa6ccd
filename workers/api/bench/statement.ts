import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId, type ReadingRow } from '@anythingiot/core';
import {
  createTenant,
  type Database,
  deviceRepo,
  findDeviceAuth,
  type IngestGuard,
  ingestReadings,
} from '@anythingiot/db';
import { migrateDatabase } from '@anythingiot/db/migrate';
import { createNodeDb } from '@anythingiot/db/node';
import { startDevstack } from '@anythingiot/devstack';
import { cpuPerPost, sampleCpu } from './cpu.js';

// `npm run bench:statement`: what one post costs Postgres, per variant of the ingest path,
// through the Neon driver and the local WebSocket proxy, on a connection opened per post (what
// a Worker does) and on one warm connection (what a pooled connection string gives). Prints
// wall ms and Postgres CPU ms per post. POSTS (300), BATCH (50 readings x 2 metrics).
const POSTS = Number(process.env.POSTS ?? 300);
const BATCH = Number(process.env.BATCH ?? 50);

const dataDir = await mkdtemp(join(tmpdir(), 'anythingiot-bench-statement-'));
await chmod(dataDir, 0o755);
const stack = await startDevstack({
  dataDir,
  persistent: false,
  ports: { postgres: 0, neonProxy: 0, redis: 0, qstash: 0, catcher: 0 },
});
try {
  await migrateDatabase(stack.postgres.url(stack.database));
  const env = stack.env;
  const setup = createNodeDb(env);
  const system = { type: 'system' as const, id: 'bench' };
  const tenant = await createTenant(setup.db, { name: 'Bench', slug: newId('request') }, system);

  /** A fresh device whose posts walk forward in time (and in seq, when asked). */
  async function device() {
    const d = await deviceRepo(setup.db, tenant.id).create({ name: 'b' }, 'v1.bench', 1, {
      actor: system,
      requestId: null,
    });
    const auth = await findDeviceAuth(setup.db, d.id);
    const c = auth?.credentials[0];
    if (!c) throw new Error('no credential');
    let ts = Date.now() - 3_600_000;
    let seq = 0;
    return {
      target: { tenantId: tenant.id, deviceId: d.id },
      guard: { credentialId: c.id, sealedSecret: c.sealedSecret } satisfies IngestGuard,
      batch(withSeq: boolean, skip = 0): ReadingRow[] {
        seq += skip;
        return Array.from({ length: BATCH }, () => {
          ts += 100;
          seq++;
          const s = withSeq ? seq : null;
          return [
            { metric: 'temperature', ts, value: 4 + Math.random(), seq: s },
            { metric: 'humidity', ts, value: 50, seq: s },
          ];
        }).flat();
      },
    };
  }
  type Device = Awaited<ReturnType<typeof device>>;
  const variants: [string, (db: Database, d: Device) => Promise<unknown>][] = [
    [
      'lookup, then unguarded ingest (2 statements: before the cache)',
      async (db, d) => {
        await findDeviceAuth(db, d.target.deviceId);
        await ingestReadings(db, d.target, d.batch(false));
      },
    ],
    [
      'guarded ingest, no seq (1 statement: cache hit)',
      (db, d) => ingestReadings(db, d.target, d.batch(false), d.guard),
    ],
    [
      'guarded ingest, seq in order (1 statement)',
      (db, d) => ingestReadings(db, d.target, d.batch(true), d.guard),
    ],
    [
      'guarded ingest, seq with a new gap every post (2 statements)',
      (db, d) => ingestReadings(db, d.target, d.batch(true, 3), d.guard),
    ],
  ];

  console.log(`ingest statement, ${POSTS} posts of ${BATCH} readings x 2 metrics per variant`);
  console.log('  variant | connection | wall ms/post | Postgres CPU ms/post');
  for (const [name, run] of variants) {
    for (const mode of ['per post', 'warm'] as const) {
      const d = await device();
      const warm = mode === 'warm' ? createNodeDb(env) : undefined;
      if (warm) for (let i = 0; i < 20; i++) await run(warm.db, d); // warm its caches
      const before = sampleCpu();
      const started = performance.now();
      for (let i = 0; i < POSTS; i++) {
        const handle = warm ?? createNodeDb(env);
        await run(handle.db, d);
        if (!warm) await handle.close();
      }
      const wall = (performance.now() - started) / POSTS;
      const cpu = cpuPerPost(before, sampleCpu(), POSTS).match(/postgres (\S+)/)?.[1] ?? 'n/a';
      console.log(`  ${name} | ${mode} | ${wall.toFixed(2)} | ${cpu}`);
      await warm?.close();
    }
  }
  await setup.close();
} finally {
  await stack.stop();
  await rm(dataDir, { recursive: true, force: true });
}
