import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { assertPortFree } from '../postgres/index.js';

export type WranglerDevOptions = {
  /** Repository root (where wrangler.toml is). */
  cwd: string;
  configPath?: string;
  port: number;
  /** Who is starting, for a taken port's message, e.g. "api Worker (wrangler dev)". */
  name?: string;
  /** The variable that sets `port`, named in a taken port's message. */
  portEnv?: string;
  /** Worker vars/secrets; written to `envFile` (never to the command line, where ps shows them). */
  env: Record<string, string>;
  envFile: string;
  /**
   * wrangler's dev registry, where Workers find each other's Durable Objects and services.
   * The default is one per machine: parallel stacks would each register "anythingiot-api" and
   * reach each other's. Give each stack its own (WRANGLER_REGISTRY_PATH).
   */
  registryPath?: string;
  onOutput?: (line: string) => void;
};

export type RunningWorker = { url: string; port: number; stop(): Promise<void> };

const READY = /Ready on (http:\/\/\S+)/;

/**
 * Runs the api Worker in workerd through `wrangler dev` — the production runtime, locally —
 * and resolves once it answers. Output is passed to `onOutput` line by line.
 */
export async function startWranglerDev(options: WranglerDevOptions): Promise<RunningWorker> {
  await assertPortFree(options.port, options.name ?? 'Worker (wrangler dev)', options.portEnv);
  await writeFile(options.envFile, toDotenv(options.env), { mode: 0o600 });
  const wranglerBin = join(
    dirname(createRequire(import.meta.url).resolve('wrangler/package.json')),
    'bin',
    'wrangler.js',
  );
  const child = spawn(
    process.execPath,
    [
      wranglerBin,
      'dev',
      '--config',
      options.configPath ?? 'wrangler.toml',
      '--env-file',
      options.envFile,
      '--port',
      String(options.port),
      '--ip',
      '127.0.0.1',
      '--inspector-port',
      '0',
      '--show-interactive-dev-session=false',
      '--log-level',
      'log',
    ],
    {
      cwd: options.cwd,
      env: {
        ...process.env,
        // No telemetry and no update check: the machine may have no route to the internet.
        WRANGLER_SEND_METRICS: 'false',
        WRANGLER_SEND_ERROR_REPORTS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        CLOUDFLARE_API_TOKEN: '',
        NO_UPDATE_NOTIFIER: '1',
        FORCE_COLOR: '0',
        ...(options.registryPath ? { WRANGLER_REGISTRY_PATH: options.registryPath } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );

  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const onLine = (line: string) => {
      options.onOutput?.(line);
      const match = READY.exec(line);
      if (match?.[1]) resolve(match[1].replace('localhost', '127.0.0.1'));
    };
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`wrangler dev exited with code ${code} before it was ready`)),
    );
    setTimeout(() => reject(new Error('wrangler dev was not ready within 60 s')), 60_000).unref();
  }).catch(async (err) => {
    await stopChild(child);
    throw err;
  });

  return { url, port: options.port, stop: () => stopChild(child) };
}

/** SIGTERM, then SIGKILL after 5 s: wrangler stops workerd on SIGTERM. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function toDotenv(env: Record<string, string>) {
  return Object.entries(env)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join('\n');
}
