import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startIngestServer } from '../testing/ingest-server.js';

// The CLI as people run it: a child process through tsx, the package bin, real signals.
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const CLI = join(ROOT, 'packages/sdk/src/sim/cli.ts');
const BIN = join(ROOT, 'packages/sdk/bin/anythingiot-sim.js');
const DEVICE_ID = 'dev_01clitest';
const SECRET = 'cli-device-secret';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'sim-cli-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function run(args: string[], entry = [TSX, CLI]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...entry, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('anythingiot-sim CLI', () => {
  it('the package bin prints usage; bad arguments exit 2 and say what is wrong', async () => {
    const help = await run(['--help'], [BIN]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--excursion <device|*>@+<at>:<duration>:<±°C>');

    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Give devices with --devices or --device.');

    const bad = await run(['--device', 'dev_x:s', '--excursion', 'dev_x@+2m:30m']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--excursion dev_x@+2m:30m: expected');

    const kind = await run(['--device', 'dev_x:s:oven']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('kind must be one of fridge, freezer, room');
  });

  it('runs live until Ctrl-C, exits 0, and a replay run continues the sequence', async () => {
    const api = await startIngestServer({ deviceId: DEVICE_ID, secret: SECRET });
    cleanup.push(() => api.close());
    const dir = await tempDir();
    const devices = join(dir, 'devices.json');
    await writeFile(
      devices,
      JSON.stringify({ devices: [{ deviceId: DEVICE_ID, secret: SECRET, kind: 'freezer' }] }),
    );
    const state = join(dir, 'state');

    const child = spawn(
      process.execPath,
      [
        TSX,
        CLI,
        '--devices',
        devices,
        '--url',
        api.url,
        '--interval',
        '500ms',
        '--state-dir',
        state,
        '--summary',
        '300ms',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    cleanup.push(async () => child.exitCode === null && child.kill('SIGKILL'));
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    // Wait for a few acknowledged readings, then interrupt as Ctrl-C would.
    const deadline = Date.now() + 20_000;
    while (api.accepted().length < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGINT');
    expect(await exited(child)).toBe(0);
    expect(out).toContain('Stopping');
    expect(out).toMatch(/\[sim .*\] 1 devices \(0 offline, 0 retrying, 0 stopped\)/);
    const live = api.accepted().flatMap((r) => r.readings);
    expect(live.map((r) => r.seq)).toEqual(live.map((_, i) => i));
    expect(Number(await readFile(join(state, `${DEVICE_ID}.seq`), 'utf8'))).toBeGreaterThanOrEqual(
      live.length,
    );

    const replay = await run([
      '--devices',
      devices,
      '--url',
      api.url,
      '--state-dir',
      state,
      '--from=-10m',
      '--speed',
      'max',
      '--duration',
      '1m',
      '--interval',
      '10s',
    ]);
    expect(replay.code).toBe(0);
    // Whatever Ctrl-C left buffered goes first, so "sent" may exceed the 6 generated here.
    expect(replay.stdout).toMatch(/generated 6 · sent \d+ · accepted \d+ · buffered 0 · errors 0/);
    const all = api.accepted().flatMap((r) => r.readings);
    // Sequence numbers continue from the live run, with nothing lost or repeated in between.
    expect(all.map((r) => r.seq)).toEqual(all.map((_, i) => i));
    expect(all.length).toBeGreaterThanOrEqual(live.length + 6);
  });
});
