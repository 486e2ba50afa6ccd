import { schema } from '@anythingiot/db';
import { commandExpiryJob } from '@anythingiot/services';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiDevice, oneReading, signedPost } from '../../../test/device-fixtures.js';
import { type ServedApp, serveApp, waitFor } from '../../../test/notify-stack.js';
import { call, seedTenant, writableState } from '../../../test/tenant-fixtures.js';

// Expiry end to end: creating a command publishes its expiry job to the QStash emulator, which
// calls the served app back, signed, once the time to live has run out.
let s: ServedApp;
beforeAll(async () => {
  s = await serveApp('api_command_expiry');
});
afterAll(() => s?.close());

const getCommand = async (key: string, id: string) =>
  (await call(s.app, key, 'GET', `/v1/commands/${id}`)).json();

describe('command expiry (QStash)', () => {
  it('an unacknowledged command expires at its time to live; the device can no longer take or acknowledge it', async () => {
    const { tenantId, key } = await seedTenant(s.db);
    const device = await apiDevice(s.app, key);
    const sent = await (
      await call(s.app, key, 'POST', `/v1/devices/${device.deviceId}/commands`, {
        type: 'ping',
        ttlSeconds: 1,
      })
    ).json();
    // Handed over, never acknowledged (the device went away).
    const first = await (await signedPost(s.app, device, '/v1/ingest', oneReading())).json();
    expect(first.commands.map((c: { id: string }) => c.id)).toEqual([sent.id]);
    const pendingOne = await (
      await call(s.app, key, 'POST', `/v1/devices/${device.deviceId}/commands`, {
        type: 'set_report_interval',
        payload: { seconds: 30 },
        ttlSeconds: 1,
      })
    ).json();

    // Each expiry instant has its own job (two commands a moment apart may fall in two seconds).
    await waitFor(async () => {
      const both = [await getCommand(key, sent.id), await getCommand(key, pendingOne.id)];
      return both.every((c) => c.status === 'expired') ? true : undefined;
    });
    const jobs = s.answered.filter(
      (a) => a.path === commandExpiryJob.path && a.body.includes(tenantId),
    );
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.every((j) => j.status === 200)).toBe(true);
    const expired = await getCommand(key, sent.id);
    expect(expired).toMatchObject({ status: 'expired' });
    expect(Date.parse(expired.finishedAt)).toBeGreaterThanOrEqual(Date.parse(sent.expiresAt));
    const audit = await s.db.handle.db
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.targetId, sent.id))
      .orderBy(schema.auditLog.seq);
    expect(audit.map((a) => `${a.action} by ${a.actorType}:${a.actorId}`)).toEqual([
      expect.stringMatching(/^command\.create by apiKey:/),
      `command.send by device:${device.deviceId}`,
      'command.expire by job:command-expiry',
    ]);

    // The device comes back: nothing is delivered, and its late acknowledgement is refused.
    const later = await (await signedPost(s.app, device, '/v1/ingest', oneReading(5))).json();
    expect(later.commands).toEqual([]);
    const before = await writableState(s.db);
    const ack = await signedPost(
      s.app,
      device,
      '/v1/devices/commands/ack',
      JSON.stringify({ acks: [sent.id] }),
    );
    expect((await ack.json()).results).toEqual([
      expect.objectContaining({ commandId: sent.id, ok: false, reason: 'expired' }),
    ]);
    expect(await writableState(s.db)).toEqual(before);
  }, 30_000);

  it('the job is idempotent and refuses anything not signed by QStash', async () => {
    const unsigned = await s.app.request(commandExpiryJob.path, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ code: 'bad_job_signature' });

    // The per-minute sweep (no body) and a redelivery: nothing left to do, nothing written.
    const before = await writableState(s.db);
    const { messageId } = await s.deps.qstash.publish({
      url: new URL(commandExpiryJob.path, s.base).toString(),
    });
    const answer = await s.answerTo(messageId);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.response)).toEqual({ expired: 0 });
    expect(await writableState(s.db)).toEqual(before);
  });
});
