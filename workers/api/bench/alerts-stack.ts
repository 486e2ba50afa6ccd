import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrateDatabase } from '@anythingiot/db/migrate';
import { createNodeDb } from '@anythingiot/db/node';
import { freePort, startDevstack, startWranglerDev } from '@anythingiot/devstack';
import pg from 'pg';
import { createApp } from '../src/app.js';
import { depsFromEnv } from '../src/compose.js';
import type { LogEvent } from '../src/deps.js';
import { parseWorkerEnv } from '../src/env.js';
import type { Query, Send } from './alerts-shared.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export type Runtime = 'workerd' | 'node';

/**
 * A devstack on free ports with the api served where the QStash emulator calls it back
 * (API_PUBLIC_URL): in workerd through `wrangler dev`, as production runs it, or in this Node
 * process (createApp), which costs less CPU per request.
 */
export async function startAlertsStack(runtime: Runtime, envOverrides: Record<string, string>) {
  const dataDir = await mkdtemp(join(tmpdir(), 'anythingiot-bench-alerts-'));
  await chmod(dataDir, 0o755);
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const stack = await startDevstack({
    dataDir,
    persistent: false,
    ports: { postgres: 0, neonProxy: 0, redis: 0, qstash: 0, catcher: 0 },
    apiUrl,
  });
  const cleanup: (() => Promise<unknown>)[] = [
    () => rm(dataDir, { recursive: true, force: true }),
    () => stack.stop(),
  ];
  const stop = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  };
  try {
    const dbUrl = stack.postgres.url(stack.database);
    await migrateDatabase(dbUrl);
    const env: Record<string, string> = {
      ...stack.env,
      API_PUBLIC_URL: apiUrl,
      INGEST_RATE_LIMIT_PER_MINUTE: '1000000',
      ...envOverrides,
    };
    const handle = createNodeDb(env);
    cleanup.push(() => handle.close());
    const client = new pg.Client(dbUrl);
    await client.connect();
    cleanup.push(() => client.end());
    const warnings: LogEvent[] = [];
    if (runtime === 'workerd') {
      const worker = await startWranglerDev({
        cwd: ROOT,
        port: apiPort,
        env,
        envFile: join(dataDir, 'worker.env'),
      });
      cleanup.push(() => worker.stop());
    } else {
      const app = createApp(
        depsFromEnv(parseWorkerEnv(env), {
          log: (event) => {
            if ('warning' in event || 'error' in event) warnings.push(event);
          },
        }),
      );
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', async () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(req.headers)) {
            if (typeof v === 'string') headers.set(k, v);
          }
          const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
          const response = await app.fetch(
            new Request(`${apiUrl}${req.url}`, {
              method: req.method,
              headers,
              ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
            }),
          );
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(Buffer.from(await response.arrayBuffer()));
        });
      });
      await new Promise<void>((resolve) => server.listen(apiPort, '127.0.0.1', resolve));
      cleanup.push(() => new Promise((resolve) => server.close(resolve)));
    }
    const query: Query = (text, params) => client.query(text, params) as never;
    const send: Send = (path, init) => fetch(`${apiUrl}${path}`, init);
    return { stack, env, db: handle.db, query, send, apiUrl, warnings, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export type AlertsStack = Awaited<ReturnType<typeof startAlertsStack>>;
