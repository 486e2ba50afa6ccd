import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { schema } from '@anythingiot/db';
import { freePort, startWranglerDev, stopChild } from '@anythingiot/devstack';
import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import { eq } from 'drizzle-orm';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDevice } from './harness.js';
import { pythonRequestsEnv } from './python.js';

// The same createApp must answer in workerd (production's runtime) and in Deno, not only in
// the Node process the other tests use. Each case starts the real runtime as a child process.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let tdb: TestDatabase;
let scratch: string;

beforeAll(async () => {
  tdb = await createTestDatabase('api_runtimes');
  scratch = await mkdtemp(join(tmpdir(), 'anythingiot-runtimes-'));
});
afterAll(async () => {
  await tdb?.drop();
  await rm(scratch, { recursive: true, force: true });
});

async function expectReady(baseUrl: string) {
  const res = await fetch(`${baseUrl}/v1/health/ready`);
  const body = await res.json();
  expect(body).toMatchObject({
    status: 'ready',
    checks: { postgres: { status: 'up' }, redis: { status: 'up' }, qstash: { status: 'up' } },
  });
  expect(res.status).toBe(200);
}

/**
 * The customer guide's own Python client (Phase 5), unchanged but for its configuration, posts
 * to /api/sensors/ingest of the Worker in workerd and its reading is stored. Needs only a
 * stock Python 3: without the `requests` package the client runs on its stand-in (python.ts).
 */
async function guideClientIsAccepted(baseUrl: string) {
  const { deviceId, secret } = await registerDevice(tdb, 'sensor-001');
  const { stdout } = await promisify(execFile)(
    'python3',
    [join(ROOT, 'workers/api/test/fixtures/guide_sensor_client.py')],
    {
      env: {
        ...(await pythonRequestsEnv()),
        PATH: process.env.PATH ?? '',
        API_URL: `${baseUrl}/api/sensors/ingest`,
        DEVICE_ID: deviceId,
        HMAC_SECRET: secret,
        TZ: 'UTC',
      },
    },
  ).catch((err: Error & { stderr?: string }) => {
    throw new Error(`the guide's client failed to run: ${err.stderr ?? err.message}`);
  });
  expect(stdout).toContain('Status: 200');
  const stored = await tdb.handle.db
    .select()
    .from(schema.readings)
    .where(eq(schema.readings.deviceId, deviceId));
  expect(stored.map((r) => r.metric).sort()).toEqual(['door', 'humidity', 'temperature']);
}

describe('the api in workerd (wrangler dev)', () => {
  it('answers readiness and accepts the customer guide’s Python client, inside workerd', async () => {
    const worker = await startWranglerDev({
      cwd: ROOT,
      port: await freePort(),
      env: tdb.env,
      envFile: join(scratch, 'worker.env'),
    });
    try {
      await expectReady(worker.url);
      await guideClientIsAccepted(worker.url);
      const notFound = await fetch(`${worker.url}/v1/nope`);
      expect(notFound.status).toBe(404);
      expect(notFound.headers.get('content-type')).toBe('application/problem+json');
    } finally {
      await worker.stop();
    }
  }, 90_000);
});

describe('the api in Deno', () => {
  it('answers readiness with every dependency up', async () => {
    const bundle = join(scratch, 'deno.js');
    await build({
      entryPoints: [join(ROOT, 'workers/api/src/deno.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['deno', 'worker'],
      // Deno provides node:crypto itself (the accounts building blocks' scrypt, reached through
      // the services), as Workers do under nodejs_compat.
      external: ['node:*'],
      outfile: bundle,
      logLevel: 'silent',
    });
    const port = await freePort();
    const deno = spawn(
      join(ROOT, 'node_modules/.bin/deno'),
      ['run', '--allow-net', '--allow-env', '--no-prompt', bundle],
      {
        env: {
          ...tdb.env,
          PORT: String(port),
          DENO_DIR: join(scratch, 'deno-dir'),
          DENO_NO_UPDATE_CHECK: '1',
          PATH: process.env.PATH ?? '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        let output = '';
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('"listening"')) resolve();
        };
        deno.stdout.on('data', onData);
        deno.stderr.on('data', onData);
        deno.once('exit', (code) => reject(new Error(`deno exited (${code}):\n${output}`)));
      });
      await expectReady(`http://127.0.0.1:${port}`);
    } finally {
      await stopChild(deno);
    }
  }, 60_000);
});
