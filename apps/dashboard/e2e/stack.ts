// The browser tests' webServer: a throwaway local cloud, the api Worker and the BUILT dashboard
// Worker, both in workerd through `wrangler dev` — the production code, not vite's dev server.
// Writes the addresses the specs need to e2e/.stack-<port>.json and runs until Playwright stops it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrateDatabase } from '@anythingiot/db/migrate';
import {
  freePort,
  type RunningWorker,
  startDevstack,
  startWranglerDev,
} from '@anythingiot/devstack';
import { E2E_DASHBOARD_PORT, STACK_FILE, type StackInfo } from './stack-info';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const APP_DIR = fileURLToPath(new URL('../', import.meta.url));
const dataDir = await mkdtemp(join(tmpdir(), 'anythingiot-e2e-'));
// Postgres gets a directory of its own: as root it hands it to the 'postgres' user.
const pgDir = await mkdtemp(join(tmpdir(), 'anythingiot-e2e-pg-'));
const workers: RunningWorker[] = [];
// The dashboard reaches the api Worker's rooms (TENANT, DEVICE) by its name through wrangler's
// dev registry. The default registry is one per machine: parallel stacks (one per port) would
// each register "anythingiot-api", and a dashboard would reach another stack's api, or none once
// that stack stops. Each stack gets a registry of its own.
process.env.WRANGLER_REGISTRY_PATH = join(dataDir, 'wrangler-registry');
const apiPort = await freePort();
const apiUrl = `http://127.0.0.1:${apiPort}`;
const appUrl = `http://127.0.0.1:${E2E_DASHBOARD_PORT}`;

const stack = await startDevstack({
  dataDir: pgDir,
  persistent: false,
  fast: true,
  ports: { postgres: 0, neonProxy: 0, redis: 0, qstash: 0, catcher: 0 },
  apiUrl,
});

async function stop() {
  for (const worker of workers.reverse()) await worker.stop().catch(() => {});
  await stack.stop().catch(() => {});
  await rm(dataDir, { recursive: true, force: true });
  await rm(pgDir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

try {
  await migrateDatabase(stack.postgres.url(stack.database));
  const env = { ...stack.env, APP_URL: appUrl, API_PUBLIC_URL: apiUrl };
  const quiet = (prefix: string) => (line: string) => {
    if (/error|✘/i.test(line)) console.error(`[${prefix}] ${line}`);
  };
  workers.push(
    await startWranglerDev({
      cwd: ROOT,
      port: apiPort,
      env,
      envFile: join(dataDir, 'api.env'),
      onOutput: quiet('api'),
    }),
  );
  const info: StackInfo = {
    appUrl,
    apiUrl,
    catcherUrl: stack.catcher.url,
    databaseUrl: stack.postgres.url(stack.database),
    env,
  };
  await writeFile(STACK_FILE, JSON.stringify(info, null, 2), { mode: 0o600 });
  workers.push(
    await startWranglerDev({
      cwd: APP_DIR,
      port: E2E_DASHBOARD_PORT,
      env,
      envFile: join(dataDir, 'dashboard.env'),
      onOutput: quiet('dashboard'),
    }),
  );
  console.log(`e2e stack ready: dashboard ${appUrl}, api ${apiUrl}`);
} catch (err) {
  console.error(err);
  await stop();
}
