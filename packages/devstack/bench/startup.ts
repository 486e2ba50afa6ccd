import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, stopChild } from '../src/index.js';

// `npm run bench:startup`: how long `npm run dev` takes from launch until
// /v1/health/ready answers 200 — cold (fresh data directory, initdb) and warm (restart).
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RUNS = Number(process.env.RUNS ?? 3);

async function ports() {
  const names = ['API', 'DASHBOARD', 'POSTGRES', 'NEON_PROXY', 'REDIS', 'QSTASH', 'CATCHER'];
  const env: Record<string, string> = {};
  for (const name of names) env[`DEVSTACK_${name}_PORT`] = String(await freePort());
  return env;
}

async function timeOneStart(dataDir: string): Promise<number> {
  const env = { ...process.env, ...(await ports()), DEVSTACK_DATA_DIR: dataDir };
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['node_modules/.bin/tsx', 'packages/devstack/src/cli/dev.ts'],
    {
      cwd: ROOT,
      env,
      stdio: 'ignore',
    },
  );
  try {
    const url = `http://127.0.0.1:${env.DEVSTACK_API_PORT}/v1/health/ready`;
    for (;;) {
      if (child.exitCode !== null) throw new Error('npm run dev exited during start-up');
      const ok = await fetch(url)
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    child.kill('SIGINT');
    await stopChild(child);
  }
}

const cold: number[] = [];
const warm: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const dataDir = await mkdtemp(join(tmpdir(), 'anythingiot-bench-'));
  // mkdtemp makes it 0700; as root, Postgres runs as another user that must traverse it.
  await chmod(dataDir, 0o755);
  try {
    cold.push(await timeOneStart(dataDir));
    warm.push(await timeOneStart(dataDir));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
const fmt = (xs: number[]) =>
  `median ${(median(xs) / 1000).toFixed(2)} s  (runs: ${xs.map((x) => (x / 1000).toFixed(2)).join(', ')})`;
console.log(`npm run dev → /v1/health/ready 200, ${RUNS} runs on this machine`);
console.log(`  cold (fresh .data, initdb + migrations): ${fmt(cold)}`);
console.log(`  warm (existing .data):                   ${fmt(warm)}`);

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}
