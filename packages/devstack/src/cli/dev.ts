import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { migrateDatabase } from '@anythingiot/db/migrate';
import {
  DEFAULT_PORTS,
  type Devstack,
  type DevstackSecrets,
  randomSecrets,
  startDevstack,
} from '../devstack.js';
import { type RunningWorker, startWranglerDev } from '../worker/wrangler-dev.js';

// `npm run dev`: the whole product on this machine, no accounts. Ports and the data directory
// are configurable through DEVSTACK_* variables (see the README).
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DATA_DIR = process.env.DEVSTACK_DATA_DIR ?? `${ROOT}.data`;
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const PORTS = {
  api: port('DEVSTACK_API_PORT', 8787),
  postgres: port('DEVSTACK_POSTGRES_PORT', DEFAULT_PORTS.postgres),
  neonProxy: port('DEVSTACK_NEON_PROXY_PORT', DEFAULT_PORTS.neonProxy),
  redis: port('DEVSTACK_REDIS_PORT', DEFAULT_PORTS.redis),
  qstash: port('DEVSTACK_QSTASH_PORT', DEFAULT_PORTS.qstash),
  catcher: port('DEVSTACK_CATCHER_PORT', DEFAULT_PORTS.catcher),
};

const started = Date.now();
let stack: Devstack | undefined;
let worker: RunningWorker | undefined;
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
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
  });
  await migrateDatabase(stack.postgres.url(stack.database));
  worker = await startWranglerDev({
    cwd: ROOT,
    port: PORTS.api,
    env: stack.env,
    envFile: `${DATA_DIR}/worker.env`,
    onOutput: (line) => {
      if (line.trim()) console.log(`[api] ${line}`);
    },
  });
  printTable(stack, worker, Date.now() - started);
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

function printTable(s: Devstack, w: RunningWorker, ms: number) {
  const rows: [string, string, string][] = [
    ['api Worker (wrangler dev)', w.url, `${w.url}/v1/health/ready`],
    ['mail / SMS / webhook catcher', s.catcher.url, 'open in a browser'],
    ['Postgres (embedded)', `127.0.0.1:${s.postgres.port}`, s.postgres.url(s.database)],
    ['Neon WebSocket proxy', s.neonProxy.url, 'neonConfig.wsProxy'],
    ['Upstash Redis emulator', s.redis.url, `token ${s.secrets.redisToken}`],
    ['QStash emulator', s.qstash.url, `token ${s.secrets.qstashToken}`],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`\nAnythingIoT is running (${(ms / 1000).toFixed(1)} s). Ctrl-C stops everything.\n`);
  for (const [name, url, note] of rows)
    console.log(`  ${name.padEnd(width)}  ${url.padEnd(28)}  ${note}`);
  console.log(`\n  Data: ${DATA_DIR} (kept across restarts; delete it to start fresh)\n`);
}
