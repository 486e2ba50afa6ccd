import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { migrateDatabase } from '@anythingiot/db/migrate';
import {
  DEFAULT_PORTS,
  type Devstack,
  type DevstackSecrets,
  PORT_ENV,
  randomSecrets,
  startDevstack,
} from '../devstack.js';
import { startDashboardDev } from '../worker/vite-dev.js';
import { type RunningWorker, startWranglerDev } from '../worker/wrangler-dev.js';
import { type RunningDemo, startDemo } from './demo-run.js';
import {
  DEMO_INTERVAL_SECONDS,
  DEMO_OWNER_EMAIL,
  type DemoFile,
  demoScenario,
} from './demo-seed.js';
import { scheduleJobs } from './schedule-jobs.js';

// `npm run dev`: the whole product on this machine, no accounts. Ports and the data directory
// are configurable through DEVSTACK_* variables (see the README).
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DASHBOARD_DIR = `${ROOT}apps/dashboard`;
const DATA_DIR = process.env.DEVSTACK_DATA_DIR ?? `${ROOT}.data`;
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const PORTS = {
  api: port(PORT_ENV.api, 8787),
  dashboard: port(PORT_ENV.dashboard, 5173),
  postgres: port(PORT_ENV.postgres, DEFAULT_PORTS.postgres),
  neonProxy: port(PORT_ENV.neonProxy, DEFAULT_PORTS.neonProxy),
  redis: port(PORT_ENV.redis, DEFAULT_PORTS.redis),
  qstash: port(PORT_ENV.qstash, DEFAULT_PORTS.qstash),
  catcher: port(PORT_ENV.catcher, DEFAULT_PORTS.catcher),
};

// The demo tenant and its simulated devices; DEVSTACK_DEMO=false starts an empty stack.
const DEMO = process.env.DEVSTACK_DEMO ?? 'true';
if (DEMO !== 'true' && DEMO !== 'false') {
  console.error('✖ DEVSTACK_DEMO must be true or false');
  process.exit(2);
}

const SUCCESSFUL_INGEST = /POST \/v1\/ingest 200 |"path":"\/v1\/ingest","status":200/;

const started = Date.now();
let stack: Devstack | undefined;
let worker: RunningWorker | undefined;
let dashboard: RunningWorker | undefined;
let demo: RunningDemo | undefined;
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  // The simulator first: it posts to the Worker, which must still be there to answer.
  await demo?.stop().catch(() => {});
  await dashboard?.stop().catch(() => {});
  await worker?.stop().catch(() => {});
  await stack?.stop().catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  await mkdir(DATA_DIR, { recursive: true });
  const secrets = await loadOrCreateSecrets(`${DATA_DIR}/secrets.json`);
  stack = await startDevstack({
    dataDir: `${DATA_DIR}/postgres`,
    persistent: true,
    ports: PORTS,
    secrets,
    // QStash delivers the api's jobs back to the Worker, wherever DEVSTACK_API_PORT put it.
    apiUrl: `http://127.0.0.1:${PORTS.api}`,
  });
  await migrateDatabase(stack.postgres.url(stack.database));
  // The dashboard's own origin: notification links point there, and its CSRF check and the
  // cookie's Secure flag depend on it.
  const env = { ...stack.env, APP_URL: `http://127.0.0.1:${PORTS.dashboard}` };
  worker = await startWranglerDev({
    cwd: ROOT,
    port: PORTS.api,
    name: 'api Worker (wrangler dev)',
    portEnv: PORT_ENV.api,
    env,
    envFile: `${DATA_DIR}/worker.env`,
    onOutput: (line) => {
      // Ten demo devices would bury everything else in access lines; the [demo] summary
      // counts them instead. Anything but a 200 is still shown.
      if (demo && SUCCESSFUL_INGEST.test(line)) return;
      if (line.trim()) console.log(`[api] ${line}`);
    },
  });
  await scheduleJobs(ROOT, stack.env, worker.url);
  if (DEMO === 'true') {
    try {
      demo = await startDemo({
        env: stack.env,
        apiUrl: worker.url,
        dataDir: DATA_DIR,
        log: (line) => console.log(line),
      });
    } catch (err) {
      // Without the demo the stack is still useful; say why it is missing and carry on.
      console.error(`\n! demo tenant not started: ${err instanceof Error ? err.message : err}`);
    }
  }
  dashboard = await startDashboardDev({
    cwd: DASHBOARD_DIR,
    port: PORTS.dashboard,
    env,
    envFile: `${DATA_DIR}/dashboard.env`,
    onOutput: (line) => console.log(`[dashboard] ${line}`),
  });
  printTable(stack, worker, dashboard, Date.now() - started);
  if (demo) printDemo(demo);
} catch (err) {
  // Start-up failures are written for people (which port, which directory): no stack trace.
  console.error(`\n✖ ${err instanceof Error ? err.message : String(err)}`);
  await shutdown(1);
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

function printTable(s: Devstack, w: RunningWorker, d: RunningWorker, ms: number) {
  const rows: [string, string, string][] = [
    ['Dashboard (remix vite:dev)', d.url, 'open in a browser'],
    ['api Worker (wrangler dev)', w.url, `${w.url}/v1/health/ready`],
    ['mail / SMS / webhook catcher', s.catcher.url, 'open in a browser'],
    ['Postgres (embedded)', `127.0.0.1:${s.postgres.port}`, s.postgres.url(s.database)],
    ['Neon WebSocket proxy', s.neonProxy.url, 'neonConfig.wsProxy; HTTP queries at /sql'],
    ['Upstash Redis emulator', s.redis.url, `token ${s.secrets.redisToken}`],
    ['QStash emulator', s.qstash.url, `token ${s.secrets.qstashToken}`],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`\nAnythingIoT is running (${(ms / 1000).toFixed(1)} s). Ctrl-C stops everything.\n`);
  for (const [name, url, note] of rows)
    console.log(`  ${name.padEnd(width)}  ${url.padEnd(28)}  ${note}`);
  console.log(`\n  Data: ${DATA_DIR} (kept across restarts; delete it to start fresh)\n`);
}

function printDemo({ demo, file, logins }: RunningDemo) {
  const kinds = new Map<string, number>();
  for (const d of demo.devices) kinds.set(d.kind, (kinds.get(d.kind) ?? 0) + 1);
  const mix = [...kinds].map(([kind, n]) => `${n} ${kind}`).join(', ');
  const rows: [string, string][] = [
    ['Demo tenant', `${demo.tenant.name}  ${demo.tenant.id}`],
    ['Demo API key', demo.apiKey.key],
    ['Demo devices', `${file} (ids and secrets)`],
    [
      'Simulated',
      `${demo.devices.length} devices (${mix}) in ${demo.facilities.length} facilities, a reading every ${DEMO_INTERVAL_SECONDS} s`,
    ],
    ['Scripted', describeScenario(demo)],
    ['Alerts', `preset rules per device; emails to ${DEMO_OWNER_EMAIL} land in the catcher`],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [name, value] of rows) console.log(`  ${name.padEnd(width)}  ${value}`);
  console.log(`\n  Log in at ${dashboard?.url ?? ''}/login with password ${logins.password} as:`);
  for (const login of logins.logins) {
    const note = login.limitedTo ? ' (limited to the first facility)' : '';
    console.log(`    ${login.email.padEnd(30)} ${login.role}${note}`);
  }
  console.log('');
  console.log('  (successful ingest posts are counted in the [demo] line each minute, not logged;');
  console.log('   DEVSTACK_DEMO=false starts without the demo)\n');
}

/** The demo's scripted events in words, from the scenario itself so the two cannot drift. */
function describeScenario(demo: DemoFile): string {
  const name = (id: string) => demo.devices.find((d) => d.deviceId === id)?.name ?? id;
  const min = (ms: number) => `${ms / 60_000} min`;
  const { excursions, dropouts } = demoScenario(demo);
  return [
    ...excursions.map(
      (e) =>
        `${name(e.device)} ${e.delta > 0 ? '+' : ''}${e.delta} °C from +${min(e.atMs)} for ${min(e.durationMs)}`,
    ),
    ...dropouts.map(
      (d) => `${name(d.device)} offline from +${min(d.atMs)} for ${min(d.durationMs)}`,
    ),
  ].join('; ');
}
