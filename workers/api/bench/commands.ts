import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  API_KEY_SCOPES,
  type DeliveredCommand,
  newDeviceSecret,
  newId,
  parseKeyring,
  sealSecret,
  signDeviceRequest,
} from '@anythingiot/core';
import { createApiKey, createTenant, deviceRepo } from '@anythingiot/db';
import { migrateDatabase } from '@anythingiot/db/migrate';
import { createNodeDb } from '@anythingiot/db/node';
import { freePort, startWranglerDev } from '@anythingiot/devstack';
import { connectDeviceChannel, type WebSocketConstructor } from '@anythingiot/sdk';
import WebSocket from 'ws';
import { startBenchStack } from './bench-stack.js';

// `npm run bench:commands`: commands through the real Worker (wrangler dev, workerd) to devices
// connected to their rooms with the SDK channel. Prints, per command: the api's answer to the
// POST, POST → the device has the `command` frame (push), and the device's acknowledgement
// round trip over its room; then what a waiting command adds to an HTTP ingest post.
// Knobs: DEVICES (20), COMMANDS (200).
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEVICES = Number(process.env.DEVICES ?? 20);
const COMMANDS = Number(process.env.COMMANDS ?? 200);

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const line = (label: string, values: number[]) =>
  console.log(
    `${label.padEnd(44)} p50 ${pct(values, 50).toFixed(1).padStart(6)} ms   p99 ${pct(values, 99).toFixed(1).padStart(6)} ms   (n=${values.length})`,
  );

const { dataDir, stack, stop } = await startBenchStack('commands');
try {
  await migrateDatabase(stack.postgres.url(stack.database));
  const port = await freePort();
  const env = {
    ...stack.env,
    API_PUBLIC_URL: `http://127.0.0.1:${port}`,
    INGEST_RATE_LIMIT_PER_MINUTE: '1000000',
    API_KEY_RATE_LIMIT_PER_MINUTE: '1000000',
  };
  const handle = createNodeDb(env);
  const system = { actor: { type: 'system' as const, id: 'bench' }, requestId: null };
  const tenant = await createTenant(
    handle.db,
    { name: 'Bench', slug: newId('request') },
    system.actor,
  );
  const { key } = await createApiKey(
    handle.db,
    tenant.id,
    { name: 'bench', scopes: [...API_KEY_SCOPES] },
    system,
  );
  const keyring = await parseKeyring(env.SECRETS_KEYRING!);
  const devices: { deviceId: string; secret: string }[] = [];
  for (let i = 0; i < DEVICES + 1; i++) {
    const secret = newDeviceSecret();
    const d = await deviceRepo(handle.db, tenant.id).create(
      { name: `bench-${i}` },
      await sealSecret(keyring, secret),
      keyring.current,
      system,
    );
    devices.push({ deviceId: d.id, secret });
  }
  await handle.close();

  const worker = await startWranglerDev({
    cwd: ROOT,
    port,
    env,
    envFile: join(dataDir, 'worker.env'),
  });
  try {
    const api = (path: string, body?: unknown) =>
      fetch(`${worker.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    // Every device but the last is connected to its room.
    /** When each command's frame reached its device (performance.now()). */
    const arrived = new Map<string, number>();
    const waiting = new Map<string, () => void>();
    const channels = devices.slice(0, DEVICES).map((d) =>
      connectDeviceChannel({
        url: worker.url,
        ...d,
        WebSocket: WebSocket as unknown as WebSocketConstructor,
        onCommand: (c: DeliveredCommand) => {
          arrived.set(c.id, performance.now());
          waiting.get(c.id)?.();
        },
        onStatus: (status, code) => {
          if (status !== 'open') console.error(`room ${d.deviceId}: ${status} ${code ?? ''}`);
        },
      }),
    );
    await Promise.all(channels.map((c) => c.ready()));
    console.error(`${DEVICES} devices connected`);

    const answered: number[] = [];
    const pushed: number[] = [];
    const acked: number[] = [];
    for (let i = 0; i < COMMANDS; i++) {
      const target = i % DEVICES;
      const device = devices[target]!;
      const started = performance.now();
      const res = await api(`/v1/devices/${device.deviceId}/commands`, { type: 'ping' });
      answered.push(performance.now() - started);
      const command = (await res.json()) as { id: string };
      // The frame may be here before the answer: the push runs before the api answers.
      if (!arrived.has(command.id)) {
        await new Promise<void>((resolve) => {
          waiting.set(command.id, resolve);
          setTimeout(resolve, 5_000).unref();
        });
        waiting.delete(command.id);
      }
      const at = arrived.get(command.id);
      if (at !== undefined) pushed.push(at - started);
      const ackStart = performance.now();
      await channels[target]!.reporter.acknowledge(command.id);
      acked.push(performance.now() - ackStart);
    }
    console.log(`${COMMANDS} commands to ${DEVICES} connected devices (workerd, wrangler dev)`);
    line('POST /v1/devices/:id/commands answered', answered);
    line('POST sent → device has the command frame', pushed);
    line('command_ack → command_status (room)', acked);
    if (pushed.length < COMMANDS)
      console.log(`  ${COMMANDS - pushed.length} pushes not seen in 5 s`);

    // HTTP path: the offline device posts with and without a command waiting.
    const offline = devices[DEVICES]!;
    let ts = Date.now() - 3_600_000;
    const post = async () => {
      ts += 1_000;
      const body = JSON.stringify({ readings: [{ ts, temperature: 4 }] });
      const timestamp = String(Date.now());
      const started = performance.now();
      const res = await fetch(`${worker.url}/v1/ingest`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-device-id': offline.deviceId,
          'x-timestamp': timestamp,
          'x-signature': await signDeviceRequest(offline.secret, body, timestamp),
        },
        body,
      });
      const answer = (await res.json()) as { commands: unknown[] };
      return { ms: performance.now() - started, commands: answer.commands.length };
    };
    const plain: number[] = [];
    const carrying: number[] = [];
    for (let i = 0; i < 50; i++) plain.push((await post()).ms);
    for (let i = 0; i < 50; i++) {
      const created = await api(`/v1/devices/${offline.deviceId}/commands`, { type: 'ping' });
      if (created.status !== 201)
        console.error(`create: ${created.status} ${await created.text()}`);
      const r = await post();
      if (r.commands > 0) carrying.push(r.ms);
    }
    line('ingest post, nothing waiting', plain);
    line('ingest post carrying one command', carrying);
    for (const c of channels) c.close();
  } finally {
    await worker.stop();
  }
} finally {
  await stop();
}
