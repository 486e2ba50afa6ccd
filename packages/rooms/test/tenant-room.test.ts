import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  LIVE_PROTOCOL_VERSION,
  type LiveServerFrame,
  newDeviceSecret,
  newId,
  parseKeyring,
  sealSecret,
  signDeviceRequest,
} from '@anythingiot/core';
import { createTenant, deviceRepo, facilityRepo } from '@anythingiot/db';
import { freePort, type RunningWorker, startWranglerDev } from '@anythingiot/devstack';
import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import { seedAlertRule } from '@anythingiot/services/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectRoom,
  isClient,
  type RoomClient,
  roomUrl,
  subscribedClient,
  tokenFor,
} from './room-client.js';

// The tenant room in workerd — the api Worker as deployed (wrangler.toml: the TenantRoom
// Durable Object, hibernation, /parties routing) — against the devstack, with real WebSocket
// clients and readings posted through the real signed ingest.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SYSTEM = { type: 'system' as const, id: 'test' };
const meta = { actor: SYSTEM, requestId: null };

let tdb: TestDatabase;
let scratch: string;
let worker: RunningWorker;
let secret: string;
const open: RoomClient[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase('realtime_room');
  scratch = await mkdtemp(join(tmpdir(), 'anythingiot-realtime-'));
  secret = tdb.env.REALTIME_TOKEN_SECRET!;
  worker = await startWranglerDev({
    cwd: ROOT,
    port: await freePort(),
    env: tdb.env,
    envFile: join(scratch, 'worker.env'),
  });
}, 90_000);
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await worker?.stop();
  await tdb?.drop();
  await rm(scratch, { recursive: true, force: true });
});

/** A tenant with facilities A and B and a device in each. */
async function seedTenant() {
  const db = tdb.handle.db;
  const tenant = await createTenant(db, { name: 'Acme', slug: newId('request') }, SYSTEM);
  const keyring = await parseKeyring(tdb.env.SECRETS_KEYRING!);
  const facilities = facilityRepo(db, tenant.id);
  const a = await facilities.create({ name: 'A' }, meta);
  const b = await facilities.create({ name: 'B' }, meta);
  const device = async (name: string, facilityId: string) => {
    const secret = newDeviceSecret();
    const row = await deviceRepo(db, tenant.id).create(
      { name, facilityId },
      await sealSecret(keyring, secret),
      keyring.current,
      meta,
    );
    return { deviceId: row.id, secret, facilityId };
  };
  return {
    tenantId: tenant.id,
    facilityA: a.id,
    facilityB: b.id,
    inA: await device('Fridge A', a.id),
    inB: await device('Fridge B', b.id),
  };
}

/** A device post, signed as the SDK signs it, to the Worker in workerd. */
async function post(device: { deviceId: string; secret: string }, readings: unknown[]) {
  const body = JSON.stringify({ readings });
  const timestamp = String(Date.now());
  const res = await fetch(`${worker.url}/v1/ingest`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-device-id': device.deviceId,
      'x-timestamp': timestamp,
      'x-signature': await signDeviceRequest(device.secret, body, timestamp),
    },
    body,
  });
  expect(res.status).toBe(200);
  return res.json() as Promise<{ accepted: number }>;
}

const reading = (temperature: number, agoMs = 1_000) => ({
  ts: new Date(Date.now() - agoMs).toISOString(),
  temperature,
});

async function client(
  tenantId: string,
  claims: Parameters<typeof tokenFor>[1],
  subscription: { facilityIds: string[] | 'all'; deviceIds?: string[] } = { facilityIds: 'all' },
  options: { autoAckMs?: number } = { autoAckMs: 50 },
) {
  const token = await tokenFor(secret, { ...claims, tenantId: claims.tenantId ?? tenantId });
  const c = await subscribedClient(roomUrl(worker.url, tenantId, token), subscription, options);
  open.push(c);
  return c;
}

const readingsOf = (c: RoomClient, deviceId: string) =>
  c.frames.filter(
    (f): f is Extract<LiveServerFrame, { type: 'readings' }> =>
      f.type === 'readings' && f.deviceId === deviceId,
  );

describe('joining a tenant room', () => {
  it('refuses before any socket is accepted: no token, expired, forged, tampered, other tenant', async () => {
    const { tenantId } = await seedTenant();
    const other = await seedTenant();
    const refusal = async (url: string) => {
      const c = await connectRoom(url);
      if (isClient(c)) {
        open.push(c);
        return 'accepted';
      }
      return c.refused;
    };
    expect(await refusal(roomUrl(worker.url, tenantId))).toBe(401);
    const expired = await tokenFor(secret, { tenantId, now: Date.now() - 10 * 60_000 });
    expect(await refusal(roomUrl(worker.url, tenantId, expired))).toBe(401);
    const forged = await tokenFor(`${secret}-not-ours`, { tenantId });
    expect(await refusal(roomUrl(worker.url, tenantId, forged))).toBe(401);
    // A limited operator widening their own scope by editing the token's payload.
    const real = await tokenFor(secret, { tenantId, role: 'operator', facilityIds: ['fac_x'] });
    const [prefix, payload, mac] = real.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const widened = Buffer.from(JSON.stringify({ ...claims, facilityIds: null })).toString(
      'base64url',
    );
    expect(await refusal(roomUrl(worker.url, tenantId, `${prefix}.${widened}.${mac}`))).toBe(401);
    const foreign = await tokenFor(secret, { tenantId: other.tenantId });
    expect(await refusal(roomUrl(worker.url, tenantId, foreign))).toBe(403);
    // And a valid one gets in, with the scope it was issued.
    const ok = await connectRoom(
      roomUrl(worker.url, tenantId, await tokenFor(secret, { tenantId })),
    );
    if (!isClient(ok)) throw new Error(`refused ${ok.refused}`);
    open.push(ok);
    expect(ok.frames[0]).toMatchObject({
      type: 'hello',
      tenantId,
      role: 'admin',
      facilityIds: null,
    });
  });

  it('answers a malformed frame with an error naming the field, and stays connected', async () => {
    const { tenantId } = await seedTenant();
    const c = await client(tenantId, { tenantId });
    c.socket.send(
      JSON.stringify({ v: LIVE_PROTOCOL_VERSION, type: 'subscribe', facilityIds: [42] }),
    );
    const error = await c.next((f) => f.type === 'error');
    expect(error).toMatchObject({ code: 'invalid_message', path: 'facilityIds' });
    c.send({ v: LIVE_PROTOCOL_VERSION, type: 'subscribe', facilityIds: ['fac_1'], deviceIds: [] });
    await c.next((f) => f.type === 'subscribed' && f.facilityIds !== 'all');
  });
});

describe('token lifetime on an open connection', () => {
  it('closes a connection whose token expired (4401); a refresh extends it with the new scope', async () => {
    const { tenantId, inA, inB, facilityA, facilityB } = await seedTenant();
    const ttlMs = 2_000;
    const lapsing = await client(tenantId, { tenantId, ttlMs });
    const refreshed = await client(tenantId, {
      tenantId,
      userId: 'usr_refresh',
      role: 'operator',
      facilityIds: [facilityA],
      ttlMs,
    });
    // Moved to facility B meanwhile: the fresh token carries the new scope.
    refreshed.send({
      v: LIVE_PROTOCOL_VERSION,
      type: 'refresh',
      token: await tokenFor(secret, {
        tenantId,
        userId: 'usr_refresh',
        role: 'operator',
        facilityIds: [facilityB],
      }),
    });
    await refreshed.next((f) => f.type === 'subscribed' && f.expiresAt > Date.now() + ttlMs);
    const closed = new Promise<number>((resolve) => lapsing.socket.once('close', resolve));
    await new Promise((r) => setTimeout(r, ttlMs + 500));
    await post(inA, [reading(4.0)]);
    await post(inB, [reading(4.1)]);
    expect(await closed).toBe(4401);
    await refreshed.next((f) => f.type === 'readings' && f.deviceId === inB.deviceId);
    expect(readingsOf(refreshed, inA.deviceId)).toEqual([]);
  });
});

describe('live readings', () => {
  it('a reading posted through signed ingest reaches the socket, with event and commit times', async () => {
    const { tenantId, inA, facilityA } = await seedTenant();
    const c = await client(tenantId, { tenantId });
    const before = Date.now();
    const sent = reading(4.4);
    await post(inA, [sent]);
    const frame = await c.next((f) => f.type === 'readings' && f.deviceId === inA.deviceId);
    expect(frame).toMatchObject({
      v: LIVE_PROTOCOL_VERSION,
      type: 'readings',
      facilityId: facilityA,
      latest: { temperature: { ts: Date.parse(sent.ts), value: 4.4 } },
      points: [{ metric: 'temperature', ts: Date.parse(sent.ts), value: 4.4 }],
    });
    // A reconnecting page asks the API for what came after the newest time it saw.
    expect(frame.type === 'readings' && frame.acceptedAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(typeof (frame as { seq: number }).seq).toBe('number');
  });

  it('each connection gets only what its role and facility scope allow', async () => {
    const { tenantId, inA, inB, facilityA, facilityB } = await seedTenant();
    const operatorA = await client(tenantId, {
      tenantId,
      role: 'operator',
      facilityIds: [facilityA],
    });
    // Asking for B as well changes nothing: the scope wins.
    const greedy = await client(
      tenantId,
      { tenantId, role: 'vendor', facilityIds: [facilityA] },
      { facilityIds: [facilityA, facilityB], deviceIds: [inB.deviceId] },
    );
    expect(greedy.frames.find((f) => f.type === 'subscribed')).toMatchObject({
      facilityIds: [facilityA],
    });
    const admin = await client(tenantId, { tenantId, role: 'admin' });
    const onlyB = await client(
      tenantId,
      { tenantId, role: 'auditor' },
      { facilityIds: [facilityB] },
    );

    await post(inB, [reading(5.1)]);
    await post(inA, [reading(4.2)]);
    await admin.next((f) => f.type === 'readings' && f.deviceId === inA.deviceId);
    await admin.next((f) => f.type === 'readings' && f.deviceId === inB.deviceId);
    await operatorA.next((f) => f.type === 'readings' && f.deviceId === inA.deviceId);
    await greedy.next((f) => f.type === 'readings' && f.deviceId === inA.deviceId);
    await onlyB.next((f) => f.type === 'readings' && f.deviceId === inB.deviceId);
    // B's post was published before A's, so had it gone to the limited sockets it would be there.
    expect(readingsOf(operatorA, inB.deviceId)).toEqual([]);
    expect(readingsOf(greedy, inB.deviceId)).toEqual([]);
    expect(readingsOf(onlyB, inA.deviceId)).toEqual([]);
  });

  it('a reader that stops reading gets readings coalesced, newest per device, and every alert', async () => {
    const { tenantId, inA } = await seedTenant();
    await seedAlertRule(tdb, tenantId, { durationSeconds: 0 });
    const slow = await client(tenantId, { tenantId }, { facilityIds: 'all' }, {});
    const fast = await client(tenantId, { tenantId });
    slow.socket.pause(); // stops reading: nothing is acknowledged while it sleeps

    // Large batches first (each message ~40 KB), so the slow reader is soon over the limit.
    const base = Date.now() - 60 * 60_000;
    const batch = (from: number) =>
      Array.from({ length: 800 }, (_, i) => ({
        ts: new Date(base + (from + i) * 1_000).toISOString(),
        temperature: 4 + (i % 10) / 10,
      }));
    await post(inA, batch(0));
    await post(inA, batch(800));
    for (let i = 0; i < 5; i++) await post(inA, [reading(5 + i / 10, 5_000 - i * 500)]);
    await post(inA, [reading(12, 1_000)]); // out of range: raises an alert at once
    const last = reading(6.5, 500);
    await post(inA, [last]);
    await fast.next(
      (f) => f.type === 'readings' && f.latest.temperature?.ts === Date.parse(last.ts),
    );

    // It reads again, and acknowledges as a page does.
    slow.socket.resume();
    const acking = setInterval(() => slow.ack(), 50);
    const newest = await slow.next(
      (f) => f.type === 'readings' && f.latest.temperature?.ts === Date.parse(last.ts),
    );
    expect(newest).toMatchObject({
      coalesced: true,
      points: [],
      latest: { temperature: { value: 6.5 } },
    });
    clearInterval(acking);
    // The fast reader got all 9 batches, the slow one fewer messages — and both got every
    // alert change (opened by the 12 °C reading, cleared by the next), in order.
    const changes = (c: RoomClient) =>
      c.frames.flatMap((f) => (f.type === 'alert' ? [`${f.change}:${f.alert.id}`] : []));
    expect(readingsOf(fast, inA.deviceId)).toHaveLength(9);
    expect(readingsOf(slow, inA.deviceId).length).toBeLessThan(9);
    expect(changes(fast).map((c) => c.split(':')[0])).toEqual(['opened', 'cleared']);
    expect(changes(slow)).toEqual(changes(fast));
  });

  it('readings held for a slow reader are not sent after a refresh took their facility away', async () => {
    const { tenantId, inA, inB, facilityA, facilityB } = await seedTenant();
    const operator = { tenantId, role: 'operator' as const };
    const slow = await client(
      tenantId,
      { ...operator, facilityIds: [facilityA, facilityB] },
      { facilityIds: 'all' },
      {},
    );
    const admin = await client(tenantId, { tenantId, role: 'admin' });
    slow.socket.pause();
    // Two ~40 KB messages of B put the reader over the limit; then one reading each of B and A
    // is held back for it.
    const base = Date.now() - 60 * 60_000;
    const batch = (from: number) =>
      Array.from({ length: 800 }, (_, i) => ({
        ts: new Date(base + (from + i) * 1_000).toISOString(),
        temperature: 4 + (i % 10) / 10,
      }));
    await post(inB, batch(0));
    await post(inB, batch(800));
    await post(inB, [reading(5.5, 2_000)]);
    const lastA = reading(4.5, 1_000);
    await post(inA, [lastA]);
    await admin.next(
      (f) => f.type === 'readings' && f.latest.temperature?.ts === Date.parse(lastA.ts),
    );

    // The member lost facility B: the page refreshes its token with the narrower scope, then
    // reads again and acknowledges.
    slow.send({
      v: LIVE_PROTOCOL_VERSION,
      type: 'refresh',
      token: await tokenFor(secret, { ...operator, facilityIds: [facilityA] }),
    });
    slow.socket.resume();
    const acking = setInterval(() => slow.ack(), 50);
    const subscribed = slow.frames.find((f) => f.type === 'subscribed');
    await slow.next((f) => f.type === 'subscribed' && f !== subscribed);
    const heldA = await slow.next(
      (f) => f.type === 'readings' && f.latest.temperature?.ts === Date.parse(lastA.ts),
    );
    clearInterval(acking);
    expect(heldA).toMatchObject({ coalesced: true, deviceId: inA.deviceId });
    // B's held reading (5.5 °C) was never sent: only the two batches from before the refresh.
    expect(readingsOf(slow, inB.deviceId).filter((f) => f.coalesced)).toEqual([]);
    expect(readingsOf(slow, inB.deviceId)).toHaveLength(2);
  });
});
