// The browser tests' webServer: the stack `npm run dev` starts — the same startDev, so the api
// Worker and the BUILT dashboard Worker run in workerd through `wrangler dev`, the dashboard
// reaching the api's rooms as in production — on a throwaway data directory, free ports, no
// demo tenant and no QStash schedules (their per-minute sweeps would raise offline alerts for
// the tests' silent devices at moments no test chose). Writes the addresses the specs need to
// e2e/.stack-<port>.json and runs until Playwright stops it.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningDev, startDev } from '@anythingiot/devstack/dev';
import { E2E_DASHBOARD_PORT, STACK_FILE, type StackInfo } from './stack-info';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const dataDir = await mkdtemp(join(tmpdir(), 'anythingiot-e2e-'));
// As root, Postgres runs as the 'postgres' user and must reach <dataDir>/postgres; the env
// files beside it stay 0600.
await chmod(dataDir, 0o755);
let dev: RunningDev | undefined;

async function stop(code: number) {
  await dev?.stop().catch(() => {});
  await rm(dataDir, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  dev = await startDev({
    root: ROOT,
    dataDir,
    // APP_URL must be known before the specs start: the dashboard's port is fixed per run.
    ports: {
      postgres: 0,
      neonProxy: 0,
      redis: 0,
      qstash: 0,
      catcher: 0,
      api: 0,
      dashboard: E2E_DASHBOARD_PORT,
    },
    persistent: false,
    // Every spec signs up its companies from 127.0.0.1: the per-IP sign-up limit (10 an hour)
    // would refuse the eleventh.
    env: { SIGNUP_LIMIT_PER_HOUR: '1000' },
    demo: false,
    schedules: false,
    watch: false,
    log: (line) => console.log(line),
    onWorkerOutput: (worker, line) => {
      if (/error|✘/i.test(line)) console.error(`[${worker}] ${line}`);
    },
    // Before the dashboard answers (Playwright starts the specs then), the specs' addresses.
    onApiReady: async ({ stack, api, env }) => {
      const info: StackInfo = {
        appUrl: env.APP_URL!,
        apiUrl: api.url,
        catcherUrl: stack.catcher.url,
        databaseUrl: stack.postgres.url(stack.database),
        env,
      };
      await writeFile(STACK_FILE, JSON.stringify(info, null, 2), { mode: 0o600 });
    },
  });
  console.log(`e2e stack ready: dashboard ${dev.dashboard.url}, api ${dev.api.url}`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  await stop(1);
}
