import { listAudit } from '@anythingiot/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, registerDevice, type TestApp } from '../../../test/harness.js';
import { call, seedAlert, seedApiKey, writableState } from '../../../test/tenant-fixtures.js';

let t: TestApp;
let tenantId: string;
let deviceId: string;
let key: string;
beforeAll(async () => {
  t = await createTestApp('api_alerts');
  ({ tenantId, deviceId } = await registerDevice(t.db));
  key = (await seedApiKey(t.db, tenantId)).key;
});
afterAll(() => t?.db.drop());

const api = (method: string, path: string, body?: unknown) => call(t.app, key, method, path, body);

describe('alerts API', () => {
  it('lists newest first with filters and pages', async () => {
    const older = await seedAlert(t.db, tenantId, deviceId, { severity: 'warning' });
    const newer = await seedAlert(t.db, tenantId, deviceId, { severity: 'critical' });
    const critical = await (await api('GET', '/v1/alerts?severity=critical&limit=1')).json();
    expect(critical.items[0].id).toBe(newer.id);
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await (
        await api(
          'GET',
          `/v1/alerts?deviceId=${deviceId}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        )
      ).json();
      ids.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids.indexOf(newer.id)).toBeLessThan(ids.indexOf(older.id));
  });

  it('acknowledges with a reason, records who and when, and shows it on the timeline', async () => {
    const alert = await seedAlert(t.db, tenantId, deviceId);
    const res = await api('POST', `/v1/alerts/${alert.id}/acknowledge`, {
      reasonCode: 'door_left_open',
      comment: 'Door closed, product checked',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: { type: 'apiKey' },
      ackReasonCode: 'door_left_open',
      ackComment: 'Door closed, product checked',
    });
    const detail = await (await api('GET', `/v1/alerts/${alert.id}`)).json();
    expect(detail.timeline.map((e: { type: string }) => e.type)).toEqual([
      'raised',
      'acknowledged',
    ]);
    const audit = await listAudit(t.db.handle.db, tenantId);
    expect(audit.at(-1)).toMatchObject({
      action: 'alert.acknowledged',
      target: { id: alert.id },
      reason: 'Door closed, product checked',
    });
  });

  it('lets exactly one of two concurrent acknowledgements win', async () => {
    const alert = await seedAlert(t.db, tenantId, deviceId);
    const [a, b] = await Promise.all([
      api('POST', `/v1/alerts/${alert.id}/acknowledge`, { comment: 'first' }),
      api('POST', `/v1/alerts/${alert.id}/acknowledge`, { comment: 'second' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const detail = await (await api('GET', `/v1/alerts/${alert.id}`)).json();
    expect(detail.timeline.filter((e: { type: string }) => e.type === 'acknowledged')).toHaveLength(
      1,
    );
  });

  it('resolves at once when acknowledged after the condition cleared', async () => {
    const alert = await seedAlert(t.db, tenantId, deviceId, { endedAt: new Date() });
    const res = await api('POST', `/v1/alerts/${alert.id}/acknowledge`, { comment: 'seen' });
    expect(await res.json()).toMatchObject({ status: 'resolved', resolution: 'condition_cleared' });
  });

  it('resolves by hand with a reason, once', async () => {
    const alert = await seedAlert(t.db, tenantId, deviceId);
    const res = await api('POST', `/v1/alerts/${alert.id}/resolve`, { reason: 'Stock discarded' });
    expect(await res.json()).toMatchObject({ status: 'resolved', resolution: 'Stock discarded' });
    const before = await writableState(t.db);
    const again = await api('POST', `/v1/alerts/${alert.id}/resolve`, { reason: 'again' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'already_resolved' });
    const ack = await api('POST', `/v1/alerts/${alert.id}/acknowledge`, { comment: 'late' });
    expect(ack.status).toBe(409);
    expect(await writableState(t.db)).toEqual(before);
  });

  it.each([
    [{}, 'comment'],
    [{ comment: '  ' }, 'comment'],
    [{ reasonCode: 'other' }, 'comment'],
    [{ reasonCode: 'bored' }, 'reasonCode'],
    [{ comment: 'x', by: 'usr_forged' }, ''],
  ])('refuses the acknowledgement %j without writing', async (body, field) => {
    const alert = await seedAlert(t.db, tenantId, deviceId);
    const before = await writableState(t.db);
    const res = await api('POST', `/v1/alerts/${alert.id}/acknowledge`, body);
    expect(res.status).toBe(422);
    expect((await res.json()).errors.map((e: { path: string }) => e.path)).toContain(field);
    expect(await writableState(t.db)).toEqual(before);
  });

  it('refuses a resolution without a reason and bad list filters', async () => {
    const alert = await seedAlert(t.db, tenantId, deviceId);
    const before = await writableState(t.db);
    expect((await api('POST', `/v1/alerts/${alert.id}/resolve`, { reason: '' })).status).toBe(422);
    expect((await api('POST', `/v1/alerts/${alert.id}/resolve`, {})).status).toBe(422);
    expect(await writableState(t.db)).toEqual(before);
    for (const q of ['status=open', 'severity=high', 'limit=0', 'cursor=zzz', 'from=today']) {
      expect((await api('GET', `/v1/alerts?${q}`)).status, q).toBe(422);
    }
  });
});
