import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PORT_ENV } from '../devstack.js';
import { freePort } from '../postgres/index.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'anythingiot-dev-cli-'));
  await chmod(dataDir, 0o755);
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

/** Runs `npm run dev`'s entry (what the root script runs) until it exits; its output and code. */
function runDev(env: Record<string, string>) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(
      `${ROOT}node_modules/.bin/tsx`,
      [`${ROOT}packages/devstack/src/cli/dev.ts`],
      {
        cwd: ROOT,
        env: { ...process.env, ...env, FORCE_COLOR: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    // Should it start after all, it must not outlive the test.
    const guard = setTimeout(() => child.kill('SIGTERM'), 100_000);
    child.once('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, out });
    });
  });
}

describe('npm run dev', () => {
  // The Neon proxy's bind error used to escape as an unhandled 'error' event (ws re-emitted it):
  // a stack trace about EADDRINUSE instead of the sentence every other service gave.
  it('stops with one sentence naming the service, the port and its variable when a port is taken', async () => {
    const ports = Object.fromEntries(
      await Promise.all(
        Object.values(PORT_ENV).map(async (name) => [name, String(await freePort())]),
      ),
    ) as Record<string, string>;
    const taken = Number(ports.DEVSTACK_NEON_PROXY_PORT);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(taken, '127.0.0.1', resolve));
    try {
      const { code, out } = await runDev({
        ...ports,
        DEVSTACK_DATA_DIR: join(dataDir, 'data'),
        DEVSTACK_DEMO: 'false',
      });
      expect(code).toBe(1);
      expect(out).toContain(
        `The Neon WebSocket proxy could not listen on 127.0.0.1:${taken}: the port is in use. ` +
          'Set DEVSTACK_NEON_PROXY_PORT to another port.',
      );
      expect(out).not.toMatch(/EADDRINUSE|Unhandled|\n\s+at /);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    // Postgres, started before the proxy, was stopped again.
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(Number(ports.DEVSTACK_POSTGRES_PORT), '127.0.0.1', resolve);
    });
    await new Promise((resolve) => probe.close(resolve));
  }, 120_000);
});
