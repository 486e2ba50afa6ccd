import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeviceServerFrame } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { freePort, type RunningWorker, startWranglerDev } from '@anythingiot/devstack';
import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import {
  connectDevice,
  type DeviceSocket,
  deviceRoomUrl,
  isSocket,
} from '@anythingiot/rooms/testing';
import {
  connectDeviceChannel,
  createCommandRunner,
  type WebSocketConstructor,
} from '@anythingiot/sdk';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { apiDevice, oneReading, seedFacility, signedPost } from './device-fixtures.js';
import { waitFor } from './notify-stack.js';
import { call, seedTenant, writableState } from './tenant-fixtures.js';

// The device room in workerd — the api Worker as deployed (wrangler.toml: the DeviceRoom
// Durable Object, hibernation, /parties routing, admission in the Worker) — against the
// devstack, with real WebSocket clients, commands created through the real api.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let tdb: TestDatabase;
let scratch: string;
let worker: RunningWorker;
const open: DeviceSocket[] = [];
/** The Worker over HTTP, shaped like a Hono app for the shared fixtures. */
const api = { request: (path: string, init: RequestInit) => fetch(`${worker.url}${path}`, init) };

beforeAll(async () => {
  tdb = await createTestDatabase('api_device_room');
  scratch = await mkdtemp(join(tmpdir(), 'anythingiot-device-room-'));
  const port = await freePort();
  worker = await startWranglerDev({
    cwd: ROOT,
    port,
    // QStash calls this Worker back for command expiry.
    env: { ...tdb.env, API_PUBLIC_URL: `http://127.0.0.1:${port}` },
    envFile: join(scratch, 'worker.env'),
  });
}, 90_000);
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await worker?.stop();
  await tdb?.drop();
  await rm(scratch, { recursive: true, force: true });
});

async function world() {
  const tenant = await seedTenant(tdb);
  const facility = await seedFacility(tdb, tenant.tenantId);
  const device = await apiDevice(api, tenant.key, { facilityId: facility.id });
  return { ...tenant, device };
}

async function connect(device: { deviceId: string; secret: string }) {
  const client = await connectDevice(await deviceRoomUrl(worker.url, device));
  if (!isSocket(client)) throw new Error(`refused: ${client.refused} ${client.body}`);
  open.push(client);
  return client;
}

const sendCommand = async (key: string, deviceId: string, body: unknown) =>
  (await call(api, key, 'POST', `/v1/devices/${deviceId}/commands`, body)).json();
const getCommand = async (key: string, id: string) =>
  (await call(api, key, 'GET', `/v1/commands/${id}`)).json();
const isCommand = (id: string) => (f: DeviceServerFrame) =>
  f.type === 'command' && f.payload.id === id;
const byId = (id: string) => (f: DeviceServerFrame) => 'id' in f && f.id === id;

describe('admission', () => {
  it('refuses a missing, forged, stale, replayed or other device’s connect token before the room wakes', async () => {
    const w = await world();
    const other = await world();
    const url = (opts: { timestamp?: string; signature?: string } = {}) =>
      deviceRoomUrl(worker.url, w.device, opts);
    const bare = new URL(await url());
    bare.search = '';
    const cases: [string, string, number, string][] = [
      ['no token', bare.toString(), 401, 'missing_connect_token'],
      ['forged', await url({ signature: 'ab'.repeat(32) }), 401, 'bad_signature'],
      ['stale', await url({ timestamp: String(Date.now() - 3_600_000) }), 401, 'stale_timestamp'],
      [
        'signed by another device',
        (
          await deviceRoomUrl(worker.url, { ...other.device, deviceId: w.device.deviceId })
        ).toString(),
        401,
        'bad_signature',
      ],
    ];
    for (const [label, target, status, code] of cases) {
      const res = await connectDevice(target);
      expect(isSocket(res), label).toBe(false);
      if (isSocket(res)) continue;
      expect(res.refused, label).toBe(status);
      expect(JSON.parse(res.body), label).toMatchObject({ code });
    }
    const once = await url();
    const first = await connectDevice(once);
    expect(isSocket(first)).toBe(true);
    if (isSocket(first)) open.push(first);
    const replay = await connectDevice(once);
    expect(isSocket(replay) ? 'connected' : JSON.parse(replay.body).code).toBe('replayed');
    // Plain HTTP to a room is not a way in.
    expect((await fetch(`${worker.url}/parties/device/${w.device.deviceId}`)).status).toBe(404);
  });
});

describe('telemetry over the room', () => {
  it('stores exactly like HTTP ingest and acknowledges only once committed', async () => {
    const w = await world();
    const device = await connect(w.device);
    const ts = new Date(Date.now() - 2_000).toISOString();
    device.send({
      type: 'telemetry',
      id: 't1',
      payload: { readings: [{ ts, temperature: 4.5, humidity: 50 }] },
    });
    const ack = await device.next(byId('t1'));
    expect(ack).toMatchObject({
      type: 'telemetry_ack',
      payload: { accepted: 2, duplicates: 0, rejected: [] },
    });
    const stored = await tdb.handle.db
      .select()
      .from(schema.readings)
      .where(eq(schema.readings.deviceId, w.device.deviceId));
    expect(stored.map((r) => r.metric).sort()).toEqual(['humidity', 'temperature']);
    // The same readings again are duplicates; the seed's snapshot shape works too.
    device.send({
      type: 'telemetry',
      id: 't2',
      payload: { readings: [{ ts, temperature: 4.5, humidity: 50 }] },
    });
    expect(await device.next(byId('t2'))).toMatchObject({
      payload: { accepted: 0, duplicates: 2 },
    });
    device.send({ type: 'telemetry', id: 't3', payload: { metrics: { temperature: 5.1 } } });
    expect(await device.next(byId('t3'))).toMatchObject({ payload: { accepted: 1 } });
  });

  it('answers every invalid frame with an error naming the field, writes nothing, and stays connected', async () => {
    const w = await world();
    const device = await connect(w.device);
    const before = await writableState(tdb);
    const readingsBefore = await tdb.handle.db
      .select()
      .from(schema.readings)
      .where(eq(schema.readings.deviceId, w.device.deviceId));
    device.sendRaw('{not json');
    expect(await device.next((f) => f.type === 'error')).toMatchObject({
      payload: { code: 'malformed_json' },
    });
    const bad: [string, unknown, string][] = [
      ['a', { type: 'reboot', id: 'a' }, 'type'],
      ['b', { type: 'command_ack', id: 'b', payload: {} }, 'payload.commandId'],
      [
        'c',
        { type: 'update_progress', id: 'c', payload: { commandId: 'cmd_x', progress: 140 } },
        'payload.progress',
      ],
      ['d', { type: 'telemetry', id: 'd', payload: { readings: [] } }, 'payload.readings'],
    ];
    for (const [id, frame, path] of bad) {
      device.send(frame);
      const error = await device.next(byId(id));
      expect(error.type, id).toBe('error');
      expect(error.type === 'error' && error.payload.errors.map((e) => e.path), id).toContain(path);
    }
    // Readings that are all invalid: ingest's own validation, field by field.
    const future = new Date(Date.now() + 3_600_000).toISOString();
    device.send({
      type: 'telemetry',
      id: 'e',
      payload: { readings: [{ ts: future, temperature: 4 }] },
    });
    expect(await device.next(byId('e'))).toMatchObject({
      type: 'error',
      payload: { code: 'all_readings_invalid', errors: [{ path: 'readings.0' }] },
    });
    // An unknown command is refused as not found.
    device.send({
      type: 'command_ack',
      id: 'f',
      payload: { commandId: 'cmd_0000000000000000000a' },
    });
    expect(await device.next(byId('f'))).toMatchObject({
      type: 'error',
      payload: { code: 'not_found' },
    });

    device.send({ type: 'heartbeat', id: 'alive' });
    expect(await device.next(byId('alive'))).toMatchObject({ type: 'heartbeat_ack' });
    expect(device.socket.readyState).toBe(device.socket.OPEN);
    expect(await writableState(tdb)).toEqual(before);
    const readingsAfter = await tdb.handle.db
      .select()
      .from(schema.readings)
      .where(eq(schema.readings.deviceId, w.device.deviceId));
    expect(readingsAfter).toEqual(readingsBefore);
  });

  it('closes a device that floods the room with 4429', async () => {
    const w = await world();
    const device = await connect(w.device);
    for (let i = 0; i < 130; i++) device.send({ type: 'heartbeat' });
    expect((await device.closed).code).toBe(4429);
  });

  it('a second connection of the same device replaces the first (4409)', async () => {
    const w = await world();
    const first = await connect(w.device);
    const second = await connect(w.device);
    expect((await first.closed).code).toBe(4409);
    second.send({ type: 'heartbeat', id: 'h' });
    expect(await second.next(byId('h'))).toMatchObject({ type: 'heartbeat_ack' });
  });

  it('a device revoked without the room being told is refused and disconnected at its next telemetry (4401)', async () => {
    const w = await world();
    const device = await connect(w.device);
    // (Revoking through the api closes the socket at once: see the #12 item 1 tests below.)
    await tdb.handle.db.$client.query(`update devices set status = 'revoked' where id = $1`, [
      w.device.deviceId,
    ]);
    device.send({ type: 'telemetry', id: 'r', payload: { metrics: { temperature: 4 } } });
    expect(await device.next(byId('r'))).toMatchObject({
      type: 'error',
      payload: { code: 'revoked' },
    });
    expect((await device.closed).code).toBe(4401);
  });
});

describe('a socket whose credential is no longer valid (#12 item 1)', () => {
  /** The close code, or 'still open' if the room did not close the socket within 5 s. */
  const closedSoon = (device: DeviceSocket) =>
    Promise.race([
      device.closed.then((c) => c.code),
      new Promise<string>((r) => setTimeout(() => r('still open'), 5_000)),
    ]);
  const commandFrames = (device: DeviceSocket) => device.frames.filter((f) => f.type === 'command');

  it('revoking a connected device closes its socket at once (4401), before it sends anything', async () => {
    const w = await world();
    const device = await connect(w.device);
    await call(api, w.key, 'POST', `/v1/devices/${w.device.deviceId}/revoke`);
    expect(await closedSoon(device)).toBe(4401);
    expect(device.frames.at(-1)).toMatchObject({ type: 'error', payload: { code: 'revoked' } });
  });

  it('a leaked secret cannot report "firmware update completed" once the device is revoked, even if the room was never told', async () => {
    const w = await world();
    const attacker = await connect(w.device);
    const created = await sendCommand(w.key, w.device.deviceId, {
      type: 'update_firmware',
      payload: { version: '2.1.0', url: 'https://fw.example.com/2.1.0.bin' },
    });
    await attacker.next(isCommand(created.id));
    // Revoked in the database without a word to the room (its RPC failed, or an admin tool did
    // it): the socket is still open, and the attacker sends a fake success.
    await tdb.handle.db.$client.query(`update devices set status = 'revoked' where id = $1`, [
      w.device.deviceId,
    ]);
    attacker.send({
      type: 'command_result',
      id: 'fake',
      payload: { commandId: created.id, response: { status: 'success' }, error: null },
    });
    expect(await attacker.next(byId('fake'))).toMatchObject({
      type: 'error',
      payload: { code: 'revoked' },
    });
    expect(await closedSoon(attacker)).toBe(4401);
    const [row] = await tdb.handle.db
      .select()
      .from(schema.commands)
      .where(eq(schema.commands.id, created.id));
    expect(row).toMatchObject({ status: 'sent', response: null });
  });

  it('rotating with grace 0 closes the old secret’s socket (4401); new commands reach only the new secret', async () => {
    const w = await world();
    const old = await connect(w.device);
    const rotated = await (
      await call(api, w.key, 'POST', `/v1/devices/${w.device.deviceId}/rotate-secret`, {
        graceSeconds: 0,
      })
    ).json();
    expect(await closedSoon(old)).toBe(4401);
    expect(old.frames.at(-1)).toMatchObject({
      type: 'error',
      payload: { code: 'credential_retired' },
    });
    const current = await connect({ deviceId: w.device.deviceId, secret: rotated.secret });
    const created = await sendCommand(w.key, w.device.deviceId, { type: 'ping' });
    await current.next(isCommand(created.id));
    expect(commandFrames(old)).toEqual([]);
  });

  it('a push re-checks the credential: a secret retired behind the room’s back gets no new command', async () => {
    const w = await world();
    const old = await connect(w.device);
    // Its secret's grace ended (or a rotation's RPC failed): nothing told the room.
    await tdb.handle.db.$client.query(
      `update device_credentials set valid_until = now() where device_id = $1`,
      [w.device.deviceId],
    );
    const created = await sendCommand(w.key, w.device.deviceId, { type: 'ping' });
    expect(await closedSoon(old)).toBe(4401);
    expect(commandFrames(old)).toEqual([]);
    expect(await getCommand(w.key, created.id)).toMatchObject({ status: 'pending' });
  });
});

describe('commands over the room', () => {
  it('pushes a new command to the connected device; ack and result complete it, audited', async () => {
    const w = await world();
    const device = await connect(w.device);
    const created = await sendCommand(w.key, w.device.deviceId, {
      type: 'set_report_interval',
      payload: { seconds: 30 },
    });
    const pushed = await device.next(isCommand(created.id));
    expect(pushed).toEqual({
      type: 'command',
      payload: {
        id: created.id,
        type: 'set_report_interval',
        payload: { seconds: 30 },
        expiresAt: created.expiresAt,
      },
    });
    expect(await getCommand(w.key, created.id)).toMatchObject({ status: 'sent', deliveryCount: 1 });
    device.send({ type: 'command_ack', id: 'a', payload: { commandId: created.id } });
    expect(await device.next(byId('a'))).toEqual({
      type: 'command_status',
      id: 'a',
      payload: { commandId: created.id, status: 'acknowledged' },
    });
    device.send({
      type: 'update_progress',
      id: 'p',
      payload: { commandId: created.id, progress: 50 },
    });
    await device.next(byId('p'));
    device.send({
      type: 'command_result',
      id: 'r',
      payload: { commandId: created.id, response: { status: 'success' }, error: null },
    });
    expect(await device.next(byId('r'))).toMatchObject({ payload: { status: 'completed' } });
    expect(await getCommand(w.key, created.id)).toMatchObject({
      status: 'completed',
      progress: 50,
      response: { status: 'success' },
    });
    const audit = await tdb.handle.db
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.targetId, created.id))
      .orderBy(schema.auditLog.seq);
    expect(audit.map((a) => a.action)).toEqual([
      'command.create',
      'command.send',
      'command.acknowledge',
      'command.complete',
    ]);
  });

  it('a device that disconnects mid-command gets it again when it reconnects', async () => {
    const w = await world();
    const first = await connect(w.device);
    const created = await sendCommand(w.key, w.device.deviceId, { type: 'ping' });
    await first.next(isCommand(created.id));
    await first.close(); // gone before acknowledging
    expect((await getCommand(w.key, created.id)).status).toBe('sent');

    const again = await connect(w.device);
    await again.next(isCommand(created.id));
    expect(await getCommand(w.key, created.id)).toMatchObject({ status: 'sent', deliveryCount: 2 });
    again.send({ type: 'command_result', id: 'done', payload: { commandId: created.id } });
    expect(await again.next(byId('done'))).toMatchObject({ payload: { status: 'completed' } });
  });

  it('a device that disconnects mid-command and comes back over HTTP gets it in an ingest answer', async () => {
    const w = await world();
    const device = await connect(w.device);
    const created = await sendCommand(w.key, w.device.deviceId, { type: 'ping' });
    await device.next(isCommand(created.id));
    await device.close();
    // Past the redelivery pause (as if 31 s went by), the device posts over HTTP instead.
    await tdb.handle.db.$client.query(
      `update commands set last_sent_at = last_sent_at - interval '31 seconds' where id = $1`,
      [created.id],
    );
    const answer = await (await signedPost(api, w.device, '/v1/ingest', oneReading())).json();
    expect(answer.commands.map((c: { id: string }) => c.id)).toEqual([created.id]);
    const acked = await signedPost(
      api,
      w.device,
      '/v1/devices/commands/ack',
      JSON.stringify({ acks: [created.id] }),
    );
    expect((await acked.json()).results[0]).toMatchObject({ ok: true, status: 'acknowledged' });
  });

  it('a command for a disconnected device waits for its connection; an expired one never goes out', async () => {
    const w = await world();
    const waiting = await sendCommand(w.key, w.device.deviceId, { type: 'ping' });
    const lapsing = await sendCommand(w.key, w.device.deviceId, { type: 'ping', ttlSeconds: 1 });
    // QStash calls the Worker back at the expiry instant.
    await waitFor(async () =>
      (await getCommand(w.key, lapsing.id)).status === 'expired' ? true : undefined,
    );
    const device = await connect(w.device);
    await device.next(isCommand(waiting.id));
    device.send({ type: 'heartbeat', id: 'h' });
    await device.next(byId('h'));
    expect(
      device.frames
        .filter((f) => f.type === 'command')
        .map((f) => f.type === 'command' && f.payload.id),
    ).toEqual([waiting.id]);
    device.send({ type: 'command_ack', id: 'late', payload: { commandId: lapsing.id } });
    expect(await device.next(byId('late'))).toMatchObject({
      type: 'error',
      payload: { code: 'expired' },
    });
  }, 30_000);
});

describe('the SDK device channel', () => {
  it('sends telemetry, runs pushed commands and reports them, over the room', async () => {
    const w = await world();
    const runs: string[] = [];
    let runner: ReturnType<typeof createCommandRunner> | undefined;
    const channel = connectDeviceChannel({
      url: worker.url,
      ...w.device,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      onCommand: (command) => void runner?.handle([command]),
    });
    runner = createCommandRunner({
      reporter: channel.reporter,
      handlers: {
        ping: (_payload, { command }) => {
          runs.push(command.id);
          return { pong: true };
        },
      },
    });
    try {
      await channel.ready();
      const ack = await channel.telemetry({
        ts: Date.now() - 1_000,
        metrics: { temperature: 3.9 },
      });
      expect(ack).toMatchObject({ accepted: 1, duplicates: 0, rejected: [] });
      const created = await sendCommand(w.key, w.device.deviceId, { type: 'ping' });
      await waitFor(async () =>
        (await getCommand(w.key, created.id)).status === 'completed' ? true : undefined,
      );
      expect(runs).toEqual([created.id]);
      expect(await getCommand(w.key, created.id)).toMatchObject({ response: { pong: true } });
    } finally {
      channel.close();
    }
  });
});
