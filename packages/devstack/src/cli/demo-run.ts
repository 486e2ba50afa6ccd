import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createNodeDb } from '@anythingiot/db/node';
import {
  fileDeviceState,
  formatEvent,
  formatSummary,
  runSimulation,
} from '@anythingiot/sdk/sim/node';
import { type DemoLogins, seedDemoLogins } from './demo-logins.js';
import { DEMO_INTERVAL_SECONDS, type DemoFile, demoScenario, seedDemoTenant } from './demo-seed.js';

export type RunningDemo = {
  demo: DemoFile;
  file: string;
  /** The people who can log in to the demo tenant, and their password. */
  logins: DemoLogins;
  stop(): Promise<void>;
};

/** How long shutdown waits for in-flight posts; buffered readings are on disk either way. */
const STOP_TIMEOUT_MS = 5_000;

/**
 * Seeds the demo tenant and starts its simulated devices against the running api, in this
 * process (so Ctrl-C cannot leave a simulator behind). Readings a device could not deliver stay
 * in `<dataDir>/demo-sim` and are sent on the next start.
 */
export async function startDemo(input: {
  env: Record<string, string>;
  apiUrl: string;
  dataDir: string;
  log: (line: string) => void;
}): Promise<RunningDemo> {
  const file = join(input.dataDir, 'demo-devices.json');
  const handle = createNodeDb(input.env);
  let seeded: Awaited<ReturnType<typeof seedDemoTenant>>;
  let logins: DemoLogins;
  try {
    seeded = await seedDemoTenant({ db: handle.db, keyring: input.env.SECRETS_KEYRING!, file });
    logins = await seedDemoLogins(handle.db, seeded.demo, join(input.dataDir, 'demo-login.json'));
  } finally {
    await handle.close();
  }
  const { demo, changes } = seeded;
  if (changes.length > 0) input.log(`[demo] ${summarise(changes)}`);

  const stateDir = join(input.dataDir, 'demo-sim');
  await pruneStaleState(
    stateDir,
    demo.devices.map((d) => d.deviceId),
  );
  const controller = new AbortController();
  const done = runSimulation({
    url: `${input.apiUrl}/v1/ingest`,
    devices: demo.devices.map(({ deviceId, secret, kind }) => ({ deviceId, secret, kind })),
    seed: 1,
    intervalMs: DEMO_INTERVAL_SECONDS * 1_000,
    scenario: demoScenario(demo),
    stateFor: (id) => fileDeviceState(stateDir, id),
    signal: controller.signal,
    summaryEveryMs: 60_000,
    onSummary: (s) => input.log(`[demo] ${formatSummary(s)}`),
    onEvent: (e) => input.log(`[demo] ${formatEvent(e)}`),
  }).catch((err: unknown) => {
    // The demo is a convenience: a failing simulator must not take the dev stack down with it.
    input.log(`[demo] simulator stopped: ${err instanceof Error ? err.message : String(err)}`);
  });

  return {
    demo,
    file,
    logins,
    async stop() {
      controller.abort();
      await Promise.race([done, new Promise((r) => setTimeout(r, STOP_TIMEOUT_MS).unref())]);
    },
  };
}

/** Buffers of devices that no longer exist (database wiped) would be posted with dead ids. */
async function pruneStaleState(dir: string, deviceIds: string[]) {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const keep = new Set(deviceIds);
  await Promise.all(
    names
      .filter((name) => !keep.has(name.split('.')[0]!))
      .map((name) => rm(join(dir, name), { force: true })),
  );
}

/** "created device: A", "created device: B" → "created device ×2": one short line. */
function summarise(changes: string[]): string {
  const counts = new Map<string, number>();
  for (const change of changes) {
    const what = change.split(':')[0]!;
    counts.set(what, (counts.get(what) ?? 0) + 1);
  }
  return [...counts].map(([what, n]) => (n > 1 ? `${what} ×${n}` : what)).join(', ');
}
