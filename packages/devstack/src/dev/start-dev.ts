import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { migrateDatabase } from '@anythingiot/db/migrate';
import { type RunningDemo, startDemo } from '../cli/demo-run.js';
import { scheduleJobs } from '../cli/schedule-jobs.js';
import {
  type Devstack,
  type DevstackPorts,
  type DevstackSecrets,
  PORT_ENV,
  randomSecrets,
  startDevstack,
} from '../devstack.js';
import { freePort } from '../postgres/index.js';
import { buildDashboard, watchDashboard } from '../worker/dashboard-build.js';
import { type RunningWorker, startWranglerDev } from '../worker/wrangler-dev.js';

/** Ports of everything `npm run dev` starts; 0 picks a free one (tests). */
export type DevPorts = DevstackPorts & { api: number; dashboard: number };

export type DevOptions = {
  /** Repository root (the api's wrangler.toml, apps/dashboard). */
  root: string;
  /** Postgres data, secrets, env files, the demo's state and wrangler's dev registry. */
  dataDir: string;
  ports: DevPorts;
  /**
   * `npm run dev` keeps data and secrets across restarts (secrets in `<dataDir>/secrets.json`,
   * mode 0600); a throwaway stack (tests) gets random secrets and trades durability for speed.
   */
  persistent: boolean;
  /** The demo tenant and its simulated devices. */
  demo: boolean;
  /** Create the api's QStash schedules (per-minute sweeps), as `npm run jobs:schedule` does. */
  schedules: boolean;
  /** Rebuild the dashboard when its sources change (wrangler dev then reloads it). */
  watch: boolean;
  /** Variables added to the env both Workers run with (e.g. the browser tests' limits). */
  env?: Record<string, string>;
  log?: (line: string) => void;
  /** wrangler dev's output, line by line, per Worker. */
  onWorkerOutput?: (worker: 'api' | 'dashboard', line: string) => void;
  /** Called once the api answers, before the dashboard starts (the browser tests' stack file). */
  onApiReady?: (dev: {
    stack: Devstack;
    api: RunningWorker;
    env: Record<string, string>;
  }) => Promise<void> | void;
};

export type RunningDev = {
  stack: Devstack;
  api: RunningWorker;
  dashboard: RunningWorker;
  demo?: RunningDemo;
  /** The env both Workers run with (the devstack's, plus APP_URL and API_PUBLIC_URL). */
  env: Record<string, string>;
  stop(): Promise<void>;
};

/**
 * The whole product on this machine, as `npm run dev` runs it and the browser tests run it:
 * the local cloud, the api Worker and the BUILT dashboard Worker, both in workerd through
 * `wrangler dev`, as in production. The dashboard reaches the api's rooms (its Durable Object
 * bindings name the api's script) through a wrangler dev registry of this data directory's own,
 * so parallel stacks never reach each other's Workers. Under `remix vite:dev` that reach fails:
 * `getPlatformProxy` cannot call Durable Objects of another dev session, so commands would not
 * be pushed and acknowledgements not announced.
 *
 * On a failure, whatever had started is stopped again before the error is thrown.
 */
export async function startDev(options: DevOptions): Promise<RunningDev> {
  const log = options.log ?? (() => {});
  const { root, dataDir } = options;
  const dashboardDir = join(root, 'apps', 'dashboard');
  const ports = { ...options.ports };
  // Both Workers' addresses are config of the other (APP_URL, API_PUBLIC_URL): fix them first.
  ports.api ||= await freePort();
  ports.dashboard ||= await freePort();
  const apiUrl = `http://127.0.0.1:${ports.api}`;
  const appUrl = `http://127.0.0.1:${ports.dashboard}`;
  await mkdir(dataDir, { recursive: true });
  const registryPath = join(dataDir, 'wrangler-registry');

  const running: { stop(): Promise<void> }[] = [];
  const stop = async () => {
    for (const service of running.reverse()) await service.stop().catch(() => {});
  };
  // The build needs CPU, the stack mostly waits on Postgres: run them side by side.
  const aborter = new AbortController();
  const built = buildDashboard({ root, dashboardDir, signal: aborter.signal }).then(
    (state) => ({ state }),
    (error: unknown) => ({ error }),
  );
  try {
    const stack = await startDevstack({
      dataDir: join(dataDir, 'postgres'),
      persistent: options.persistent,
      fast: !options.persistent,
      ports,
      secrets: options.persistent ? await loadOrCreateSecrets(join(dataDir, 'secrets.json')) : {},
      apiUrl,
    });
    running.push(stack);
    await migrateDatabase(stack.postgres.url(stack.database));
    // The dashboard's own origin: notification links point there, and its CSRF check and the
    // cookie's Secure flag depend on it.
    const env = { ...stack.env, ...options.env, APP_URL: appUrl, API_PUBLIC_URL: apiUrl };
    const worker = (name: 'api' | 'dashboard') => ({
      port: ports[name],
      name: `${name} Worker (wrangler dev)`,
      portEnv: PORT_ENV[name],
      env,
      envFile: join(dataDir, `${name}.env`),
      registryPath,
      onOutput: (line: string) => options.onWorkerOutput?.(name, line),
    });
    const api = await startWranglerDev({ cwd: root, ...worker('api') });
    running.push(api);
    await options.onApiReady?.({ stack, api, env });
    if (options.schedules) await scheduleJobs(`${root}/`, stack.env, api.url);

    let demo: RunningDemo | undefined;
    if (options.demo) {
      try {
        demo = await startDemo({ env: stack.env, apiUrl: api.url, dataDir, log });
        running.push(demo);
      } catch (err) {
        // Without the demo the stack is still useful; say why it is missing and carry on.
        log(`\n! demo tenant not started: ${err instanceof Error ? err.message : err}`);
      }
    }

    const build = await built;
    if ('error' in build) throw build.error;
    log(`[dashboard] build ${build.state === 'current' ? 'is current' : 'made'}`);
    const dashboard = await startWranglerDev({ cwd: dashboardDir, ...worker('dashboard') });
    running.push(dashboard);
    if (options.watch) {
      const unwatch = await watchDashboard({
        root,
        dashboardDir,
        log: (line) => log(`[dashboard] ${line}`),
      });
      running.push({ stop: async () => unwatch() });
    }
    return { stack, api, dashboard, demo, env, stop };
  } catch (err) {
    aborter.abort();
    await built;
    await stop();
    throw err;
  }
}

/** Dev secrets stay the same across restarts, so clients and pending messages keep working. */
async function loadOrCreateSecrets(path: string): Promise<DevstackSecrets> {
  const saved = existsSync(path)
    ? (JSON.parse(await readFile(path, 'utf8')) as Partial<DevstackSecrets>)
    : {};
  // Secrets added by a newer version are generated once and saved with the old ones.
  const secrets = {
    ...randomSecrets(),
    postgresPassword: randomBytes(12).toString('hex'),
    ...saved,
  };
  if (Object.keys(saved).length !== Object.keys(secrets).length) {
    await writeFile(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}
