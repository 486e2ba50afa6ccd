import { newId, type ReadingRow } from '@anythingiot/core';
import {
  createSqlOverHttp,
  createTenant,
  type Database,
  DbEnvSchema,
  dbConfigFromEnv,
  deviceRepo,
  findDeviceAuth,
  type IngestExecutor,
  type IngestGuard,
  ingestReadings,
} from '@anythingiot/db';
import { migrateDatabase } from '@anythingiot/db/migrate';
import { createNodeDb } from '@anythingiot/db/node';
import { startBenchStack } from './bench-stack.js';
import { cpuPerPost, sampleCpu } from './cpu.js';

// `npm run bench:statement`: what one post costs Postgres, per variant of the ingest path,
// through the Neon driver and the local WebSocket proxy, on a connection opened per post (what
// a Worker does with a WebSocket), on one warm connection (what a pooled connection string
// gives), and over Neon's HTTP mode (`neon()` → the devstack's /sql, warm pooled backends: what
// the Worker's hot path does now). Prints wall ms and Postgres CPU ms per post.
// POSTS (300), BATCH (50 readings x 2 metrics).
const POSTS = Number(process.env.POSTS ?? 300);
const BATCH = Number(process.env.BATCH ?? 50);

const { stack, stop } = await startBenchStack('statement');
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
  type Variant = [string, (exec: IngestExecutor, d: Device) => Promise<unknown>, 'ws only'?];
  const variants: Variant[] = [
    [
      'lookup, then unguarded ingest (2 statements: before the cache)',
      async (db, d) => {
        await findDeviceAuth(db as Database, d.target.deviceId);
        await ingestReadings(db, d.target, d.batch(false));
      },
      'ws only',
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
  // One per process, shared by every post, as the Worker shares it across requests.
  const overHttp = createSqlOverHttp(dbConfigFromEnv(DbEnvSchema.parse(env)));

  console.log(`ingest statement, ${POSTS} posts of ${BATCH} readings x 2 metrics per variant`);
  console.log('  variant | connection | wall ms/post | Postgres CPU ms/post');
  for (const [name, run, only] of variants) {
    for (const mode of ['per post', 'warm', 'over HTTP'] as const) {
      if (mode === 'over HTTP' && only === 'ws only') continue;
      const d = await device();
      const warm = mode === 'warm' ? createNodeDb(env) : undefined;
      const shared = mode === 'over HTTP' ? overHttp : warm?.db;
      if (shared) for (let i = 0; i < 20; i++) await run(shared, d); // warm its caches
      const before = sampleCpu();
      const started = performance.now();
      for (let i = 0; i < POSTS; i++) {
        if (shared) {
          await run(shared, d);
          continue;
        }
        const handle = createNodeDb(env);
        await run(handle.db, d);
        await handle.close();
      }
      const wall = (performance.now() - started) / POSTS;
      const cpu = cpuPerPost(before, sampleCpu(), POSTS).match(/postgres (\S+)/)?.[1] ?? 'n/a';
      console.log(`  ${name} | ${mode} | ${wall.toFixed(2)} | ${cpu}`);
      await warm?.close();
    }
  }
  await setup.close();
} finally {
  await stop();
}
