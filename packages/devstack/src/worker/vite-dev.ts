import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { assertPortFree } from '../postgres/index.js';
import { type RunningWorker, stopChild, toDotenv } from './wrangler-dev.js';

export type DashboardDevOptions = {
  /** The dashboard workspace (apps/dashboard). */
  cwd: string;
  port: number;
  /** The dashboard's env; written to `envFile` (mode 0600), never to the command line. */
  env: Record<string, string>;
  envFile: string;
  onOutput?: (line: string) => void;
};

/**
 * Runs the dashboard with `remix vite:dev` (hot reload; loaders in Node with the load context
 * the Worker builds) and resolves once it answers. The Worker build itself is what the browser
 * tests run.
 */
export async function startDashboardDev(options: DashboardDevOptions): Promise<RunningWorker> {
  await assertPortFree(options.port, 'dashboard (remix vite:dev)', 'DEVSTACK_DASHBOARD_PORT');
  await writeFile(options.envFile, toDotenv(options.env), { mode: 0o600 });
  const remixCli = join(
    dirname(
      createRequire(join(options.cwd, 'package.json')).resolve('@remix-run/dev/package.json'),
    ),
    'dist',
    'cli.js',
  );
  const child = spawn(
    process.execPath,
    [remixCli, 'vite:dev', '--host', '127.0.0.1', '--port', String(options.port), '--strictPort'],
    {
      cwd: options.cwd,
      env: {
        ...process.env,
        DASHBOARD_ENV_FILE: options.envFile,
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        FORCE_COLOR: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n'))
      if (line.trim()) options.onOutput?.(line);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the dashboard dev server exited (${child.exitCode})`);
    // The login page renders without a session: a 200 there means loaders run.
    const ok = await fetch(`${url}/login`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error('the dashboard dev server did not answer within 60 s');
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { url, port: options.port, stop: () => stopChild(child) };
}
