import { schema } from '@anythingiot/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiDevice, oneReading, seedFacility, signedPost } from '../../../test/device-fixtures.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { call, seedTenant, writableState } from '../../../test/tenant-fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp('api_commands');
});
afterAll(() => t?.db.drop());

async function tenantWithDevice() {
  const tenant = await seedTenant(t.db);
  const facility = await seedFacility(t.db, tenant.tenantId);
  const device = await apiDevice(t.app, tenant.key, { facilityId: facility.id });
  return { ...tenant, facility, device };
}

const send = (key: string, deviceId: string, body: unknown) =>
  call(t.app, key, 'POST', `/v1/devices/${deviceId}/commands`, body);
const getCommand = async (key: string, id: string) =>
  (await call(t.app, key, 'GET', `/v1/commands/${id}`)).json();
const ack = (device: { deviceId: string; secret: string }, body: unknown) =>
  signedPost(t.app, device, '/v1/devices/commands/ack', JSON.stringify(body));
const auditActions = async (id: string) =>
  (
    await t.db.handle.db
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.targetId, id))
      .orderBy(schema.auditLog.seq)
  ).map((a) => `${a.action} by ${a.actorType}`);

/** Moves a command's last hand-over back in time, as if the redelivery pause had passed. */
const ageLastSent = (id: string, seconds: number) =>
  t.db.handle.db.$client.query(
    `update commands set last_sent_at = last_sent_at - make_interval(secs => $2) where id = $1`,
    [id, seconds],
  );

describe('POST /v1/devices/:id/commands', () => {
  it('creates a pending command (201); the same idempotency key answers 200 with it', async () => {
    const w = await tenantWithDevice();
    const body = { type: 'set_report_interval', payload: { seconds: 30 }, idempotencyKey: 'abc' };
    const res = await send(w.key, w.device.deviceId, body);
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created).toMatchObject({
      id: expect.stringMatching(/^cmd_/),
      deviceId: w.device.deviceId,
      type: 'set_report_interval',
      payload: { seconds: 30 },
      status: 'pending',
      ttlSeconds: 3600,
      idempotencyKey: 'abc',
      createdBy: { type: 'apiKey' },
      deliveryCount: 0,
      sentAt: null,
    });
    const before = await writableState(t.db);
    const again = await send(w.key, w.device.deviceId, body);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(created);
    expect(await writableState(t.db)).toEqual(before);
  });

  it('refuses bad input with every field named (422), a reused key (409), a revoked device (409) — writing nothing', async () => {
    const w = await tenantWithDevice();
    await send(w.key, w.device.deviceId, { type: 'ping', idempotencyKey: 'k' });
    const before = await writableState(t.db);

    const invalid = await send(w.key, w.device.deviceId, {
      type: 'Reboot!',
      ttlSeconds: 0,
      payload: 'x',
      extra: true,
    });
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get('content-type')).toContain('application/problem+json');
    const problem = await invalid.json();
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      '',
      'payload',
      'ttlSeconds',
      'type',
    ]);
    const notJson = await t.app.request(`/v1/devices/${w.device.deviceId}/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.key}`, 'content-type': 'application/json' },
      body: '{oops',
    });
    expect(notJson.status).toBeGreaterThanOrEqual(400);
    expect(notJson.status).toBeLessThan(500);

    const reused = await send(w.key, w.device.deviceId, { type: 'reboot', idempotencyKey: 'k' });
    expect(reused.status).toBe(409);
    expect(await reused.json()).toMatchObject({ code: 'idempotency_key_reused' });

    expect(await writableState(t.db)).toEqual(before);
    await call(t.app, w.key, 'POST', `/v1/devices/${w.device.deviceId}/revoke`);
    const afterRevoke = await writableState(t.db);
    const revoked = await send(w.key, w.device.deviceId, { type: 'ping' });
    expect(revoked.status).toBe(409);
    expect(await revoked.json()).toMatchObject({ code: 'device_revoked' });
    expect(await writableState(t.db)).toEqual(afterRevoke);
  });
});

describe('the HTTP path: ingest answers carry commands, the device acknowledges with a signed post', () => {
  it('pending → sent (in the ingest answer) → acknowledged → completed, every step audited', async () => {
    const w = await tenantWithDevice();
    const created = await (await send(w.key, w.device.deviceId, { type: 'ping' })).json();

    const posted = await signedPost(t.app, w.device, '/v1/ingest', oneReading());
    expect(posted.status).toBe(200);
    const answer = await posted.json();
    expect(answer.accepted).toBe(1);
    expect(answer.commands).toEqual([
      { id: created.id, type: 'ping', payload: {}, expiresAt: created.expiresAt },
    ]);
    expect(await getCommand(w.key, created.id)).toMatchObject({ status: 'sent', deliveryCount: 1 });
    // Just sent: the next post does not carry it again (the device is acknowledging it).
    expect(
      (await (await signedPost(t.app, w.device, '/v1/ingest', oneReading(5))).json()).commands,
    ).toEqual([]);

    const acked = await ack(w.device, { acks: [created.id] });
    expect(acked.status).toBe(200);
    expect(await acked.json()).toEqual({
      results: [{ commandId: created.id, ok: true, status: 'acknowledged' }],
      commands: [],
    });
    const done = await ack(w.device, {
      results: [{ commandId: created.id, response: { pong: true } }],
    });
    expect((await done.json()).results).toEqual([
      { commandId: created.id, ok: true, status: 'completed' },
    ]);
    expect(await getCommand(w.key, created.id)).toMatchObject({
      status: 'completed',
      response: { pong: true },
      error: null,
    });
    expect(await auditActions(created.id)).toEqual([
      'command.create by apiKey',
      'command.send by device',
      'command.acknowledge by device',
      'command.complete by device',
    ]);
  });

  it('re-delivers a sent, unacknowledged command (a lost answer) after the pause, counting deliveries', async () => {
    const w = await tenantWithDevice();
    const created = await (await send(w.key, w.device.deviceId, { type: 'ping' })).json();
    await signedPost(t.app, w.device, '/v1/ingest', oneReading());
    // The answer never reached the device. 31 s later it posts again:
    await ageLastSent(created.id, 31);
    const again = await (await signedPost(t.app, w.device, '/v1/ingest', oneReading(6))).json();
    expect(again.commands.map((c: { id: string }) => c.id)).toEqual([created.id]);
    expect(await getCommand(w.key, created.id)).toMatchObject({ status: 'sent', deliveryCount: 2 });
    // Redeliveries are counted, not audited again.
    expect(await auditActions(created.id)).toEqual([
      'command.create by apiKey',
      'command.send by device',
    ]);
  });

  it('the signed ack endpoint: an empty body polls, each item is judged alone, bad requests write nothing', async () => {
    const w = await tenantWithDevice();
    const other = await tenantWithDevice();
    const mine = await (await send(w.key, w.device.deviceId, { type: 'ping' })).json();
    const theirs = await (await send(other.key, other.device.deviceId, { type: 'ping' })).json();

    const poll = await signedPost(t.app, w.device, '/v1/devices/commands/ack', '');
    expect(poll.status).toBe(200);
    expect((await poll.json()).commands.map((c: { id: string }) => c.id)).toEqual([mine.id]);

    const before = await writableState(t.db);
    const mixed = await ack(w.device, { acks: [theirs.id, 'cmd_nope', mine.id] });
    expect((await mixed.json()).results).toEqual([
      expect.objectContaining({ commandId: theirs.id, ok: false, reason: 'not_found' }),
      expect.objectContaining({ commandId: 'cmd_nope', ok: false, reason: 'not_found' }),
      { commandId: mine.id, ok: true, status: 'acknowledged' },
    ]);
    // Only the valid item wrote: one status change and its audit entry.
    const after = await writableState(t.db);
    expect(Number(after?.audit_entries) - Number(before?.audit_entries)).toBe(1);
    expect((await getCommand(other.key, theirs.id)).status).toBe('pending');

    const snapshot = await writableState(t.db);
    const badSignature = await signedPost(
      t.app,
      w.device,
      '/v1/devices/commands/ack',
      JSON.stringify({ results: [{ commandId: mine.id }] }),
      { signature: 'ab'.repeat(32) },
    );
    expect(badSignature.status).toBe(401);
    expect(await badSignature.json()).toMatchObject({ code: 'bad_signature' });
    const malformed = await signedPost(t.app, w.device, '/v1/devices/commands/ack', '{nope');
    expect(malformed.status).toBe(422);
    expect(await malformed.json()).toMatchObject({ code: 'malformed_json' });
    const invalid = await ack(w.device, { results: [{ commandId: mine.id, status: 'done' }] });
    expect(invalid.status).toBe(422);
    expect((await invalid.json()).errors).toEqual([
      expect.objectContaining({ path: 'results.0.status' }),
    ]);
    const unsigned = await t.app.request('/v1/devices/commands/ack', {
      method: 'POST',
      body: '{}',
    });
    expect(unsigned.status).toBe(400);
    expect(await writableState(t.db)).toEqual(snapshot);
    expect((await getCommand(w.key, mine.id)).status).toBe('acknowledged');
  });
});

describe('POST /v1/facilities/:id/commands, GET /v1/devices/:id/commands', () => {
  it('sends one command per active device of the facility and lists them per device', async () => {
    const w = await tenantWithDevice();
    const second = await apiDevice(t.app, w.key, { facilityId: w.facility.id });
    const elsewhere = await apiDevice(t.app, w.key, { facilityId: null });
    const res = await call(t.app, w.key, 'POST', `/v1/facilities/${w.facility.id}/commands`, {
      type: 'ping',
      idempotencyKey: 'sweep-1',
    });
    expect(res.status).toBe(201);
    const bulk = await res.json();
    expect(bulk).toMatchObject({ facilityId: w.facility.id, created: 2 });
    expect(bulk.commands.map((c: { deviceId: string }) => c.deviceId).sort()).toEqual(
      [w.device.deviceId, second.deviceId].sort(),
    );
    const retry = await call(t.app, w.key, 'POST', `/v1/facilities/${w.facility.id}/commands`, {
      type: 'ping',
      idempotencyKey: 'sweep-1',
    });
    expect(retry.status).toBe(200);
    expect((await retry.json()).created).toBe(0);

    const listed = await (
      await call(t.app, w.key, 'GET', `/v1/devices/${second.deviceId}/commands?limit=10`)
    ).json();
    expect(listed).toMatchObject({
      items: [{ type: 'ping', status: 'pending' }],
      nextCursor: null,
    });
    const none = await (
      await call(t.app, w.key, 'GET', `/v1/devices/${elsewhere.deviceId}/commands`)
    ).json();
    expect(none.items).toEqual([]);
    const bad = await call(
      t.app,
      w.key,
      'GET',
      `/v1/devices/${second.deviceId}/commands?status=done`,
    );
    expect(bad.status).toBe(422);
  });
});
