import { parseArgs } from 'node:util';
import { runCorrectness } from './alerts-correctness.js';
import { runLive } from './alerts-live.js';
import { type Runtime, startAlertsStack } from './alerts-stack.js';

// `npm run bench:alerts`: the alert pipeline end to end on a fresh devstack.
//
//   live (default): devices report every 10 s in real time with scripted excursions; prints
//     due instant → email accepted by the catcher (p50/p99/max), alerts vs scripted
//     excursions, emails per alert, posts/s and ingest ack latency. The api runs in workerd.
//   --correctness: 10,000 device-hours of generated scenarios posted in arrival order, the
//     stored excursions and alerts scored against the offline oracle.
// The api runs in workerd (wrangler dev) unless --runtime=node: createApp in this process,
// which shares one event loop with the emulators and measured slower here.
//
// Exit code 1 when a correctness bar fails (missed, duplicated, wrong, emails per alert).
const { values } = parseArgs({
  options: {
    correctness: { type: 'boolean', default: false },
    runtime: { type: 'string' },
    devices: { type: 'string' },
    seconds: { type: 'string', default: '180' },
    excursions: { type: 'string', default: '100' },
    transients: { type: 'string', default: '20' },
    interval: { type: 'string' },
    'rule-duration': { type: 'string' },
    concurrency: { type: 'string' },
    hours: { type: 'string', default: '50' },
    'max-batch': { type: 'string', default: '30' },
    seed: { type: 'string', default: '1' },
  },
});

function num(name: keyof typeof values, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
}

const runtime = (values.runtime ?? 'workerd') as Runtime;
if (runtime !== 'node' && runtime !== 'workerd') throw new Error('--runtime is node or workerd');

const stack = await startAlertsStack(runtime, {});
let ok = false;
try {
  if (values.correctness) {
    ({ ok } = await runCorrectness(
      stack,
      {
        devices: num('devices', 200),
        hours: num('hours', 50),
        intervalSeconds: num('interval', 60),
        ruleDurationSeconds: num('rule-duration', 900),
        maxBatch: num('max-batch', 30),
        seed: num('seed', 1),
        concurrency: num('concurrency', 16),
      },
      runtime,
    ));
  } else {
    ({ ok } = await runLive(stack, {
      devices: num('devices', 1_000),
      seconds: num('seconds', 180),
      excursions: num('excursions', 100),
      transients: Number(values.transients),
      intervalSeconds: num('interval', 10),
      ruleDurationSeconds: num('rule-duration', 30),
      concurrency: num('concurrency', 64),
    }));
  }
  if (stack.warnings.length > 0) {
    console.log(
      `  api warnings: ${stack.warnings.length}, first: ${JSON.stringify(stack.warnings[0])}`,
    );
  }
} finally {
  await stack.stop();
}
// Explicitly: wrangler's child-process handling may leave a stale exit code behind.
process.exit(ok ? 0 : 1);
