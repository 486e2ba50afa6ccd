import { fileURLToPath } from 'node:url';
import { type RunningDev, startDev } from '../dev/start-dev.js';
import { DEFAULT_PORTS, type Devstack, PORT_ENV } from '../devstack.js';
import type { RunningWorker } from '../worker/wrangler-dev.js';
import type { RunningDemo } from './demo-run.js';
import {
  DEMO_INTERVAL_SECONDS,
  DEMO_OWNER_EMAIL,
  type DemoFile,
  demoScenario,
} from './demo-seed.js';

// `npm run dev`: the whole product on this machine, no accounts. Ports and the data directory
// are configurable through DEVSTACK_* variables (see packages/devstack/README.md). What starts,
// and how, is startDev's: the browser tests run the same code.
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
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

// wrangler's start-up banner lists every binding (values hidden) for each Worker and again on
// each reload; the table below says where things are. Its warnings and errors still show.
const WRANGLER_BANNER =
  /^\s*(env\.\S+ \(|Binding\s+Resource|Your Worker has access|Using secrets defined|─+$|⛅️ wrangler|Service bindings, Durable Object bindings|⎔ Connection status updated)/;

const SUCCESSFUL_INGEST = /POST \/v1\/ingest 200 |"path":"\/v1\/ingest","status":200/;

const started = Date.now();
let dev: RunningDev | undefined;
let starting = true;
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  // While starting, startDev alone knows what runs: it finishes (or fails and cleans up), then
  // what it started is stopped below.
  if (starting) return;
  await dev?.stop().catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  dev = await startDev({
    root: ROOT,
    dataDir: DATA_DIR,
    ports: PORTS,
    persistent: true,
    demo: DEMO === 'true',
    schedules: true,
    watch: true,
    log: (line) => console.log(line),
    onWorkerOutput: (worker, line) => {
      // Ten demo devices would bury everything else in access lines; the [demo] summary
      // counts them instead. Anything but a 200 is still shown.
      if (DEMO === 'true' && SUCCESSFUL_INGEST.test(line)) return;
      if (WRANGLER_BANNER.test(line)) return;
      if (line.trim()) console.log(`[${worker}] ${line}`);
    },
  });
  starting = false;
  if (stopping) {
    await dev.stop();
    process.exit(0);
  }
  printTable(dev.stack, dev.api, dev.dashboard, Date.now() - started);
  if (dev.demo) printDemo(dev.demo, dev.dashboard);
} catch (err) {
  starting = false;
  // startDev stopped what it had started. Start-up failures are written for people (which
  // port, which directory): no stack trace.
  if (!stopping) console.error(`\n✖ ${err instanceof Error ? err.message : String(err)}`);
  process.exit(stopping ? 0 : 1);
}

function printTable(s: Devstack, w: RunningWorker, d: RunningWorker, ms: number) {
  const rows: [string, string, string][] = [
    ['Dashboard (wrangler dev)', d.url, 'open in a browser; rebuilt when its sources change'],
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

function printDemo({ demo, file, logins }: RunningDemo, dashboard: RunningWorker) {
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
  console.log(`\n  Log in at ${dashboard.url}/login with password ${logins.password} as:`);
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
