import type { Actor } from '@anythingiot/core';
import { parseCsv } from '@anythingiot/core/csv/testing';
import { appendAudit } from '@anythingiot/db';
import { acknowledge, createApiKey, resolve } from '@anythingiot/services';
import { beforeAll, describe, expect, it } from 'vitest';
import * as page from '../app/routes/_app.audit';
import * as csv from '../app/routes/audit[.]csv';
import { seedDeviceAlert } from './alert-fixtures';
import { useDashboard } from './harness';

const t = useDashboard();
const EVIL = '=HYPERLINK("http://evil.example","click")';

/** An entry at a chosen time (the log's own clock otherwise says "now"). */
async function entryAt(tenantId: string, actor: Actor, action: string, at: string) {
  await t.db.transaction((tx) =>
    appendAudit(
      tx,
      {
        actor,
        action,
        target: { type: 'device', id: 'dev_0000000000000000past' },
        before: null,
        after: { at },
        reason: null,
        requestId: null,
        at: new Date(at),
      },
      tenantId,
    ),
  );
}

let alertId: string;
let keyId: string;
beforeAll(async () => {
  const operator = t.ctxFor(t.a.members.operator, t.a);
  const alert = await seedDeviceAlert(t, t.a, 0);
  alertId = alert.id;
  await acknowledge({
    ctx: operator,
    input: { id: alert.id, comment: `${EVIL} door, "left" open\nsecond line` },
  });
  const other = await seedDeviceAlert(t, t.a, 1);
  await resolve({
    ctx: t.ctxFor(t.a.members.manager, t.a),
    input: { id: other.id, reason: '@SUM(A1) stock discarded' },
  });
  keyId = (
    await createApiKey({
      ctx: t.ctxFor(t.a.members.admin, t.a),
      input: { name: '@SUM(A1) export', scopes: ['alerts:read'] },
    })
  ).id;
  // Entries on two days in the company's zone (Europe/Berlin): 1 March 23:30 local is
  // 22:30 UTC, still 1 March there; 2 March 00:30 local is 1 March 23:30 UTC.
  await entryAt(
    t.a.tenantId,
    { type: 'job', id: 'nightly' },
    'device.update',
    '2026-03-01T22:30:00Z',
  );
  await entryAt(
    t.a.tenantId,
    { type: 'job', id: 'nightly' },
    'device.update',
    '2026-03-01T23:30:00Z',
  );
  // Company B's history: never in A's answers.
  await seedDeviceAlert(t, t.b, 0, { title: 'B only' });
});

const list = (as: keyof typeof t.a.members, query = '') =>
  t.call(page, { as: t.a.members[as], url: `/audit${query}` });
const download = (as: keyof typeof t.a.members | null, query = '') =>
  t.call(csv, { as: as ? t.a.members[as] : null, url: `/audit.csv${query}` });
const actions = (res: { data: { entries: { action: string }[] } }) =>
  res.data.entries.map((e) => e.action);

describe('audit log page', () => {
  it('sends a signed-out visitor to log in', async () => {
    const res = await t.call(page, { as: null, url: '/audit?what=alert' });
    expect(res.status).toBe(302);
    expect(res.location).toBe('/login?next=%2Faudit%3Fwhat%3Dalert');
  });

  it('is for owners, admins and auditors only', async () => {
    for (const role of ['manager', 'operator', 'vendor'] as const) {
      expect((await list(role)).status, role).toBe(403);
    }
    for (const role of ['owner', 'admin', 'auditor'] as const) {
      expect((await list(role)).status, role).toBe(200);
    }
  });

  it('shows the company’s entries newest first, with names for who', async () => {
    const res = await list('auditor');
    const entries = res.data.entries;
    expect(entries.map((e: { seq: number }) => e.seq)).toEqual(
      [...entries.map((e: { seq: number }) => e.seq)].sort((x, y) => y - x),
    );
    expect(JSON.stringify(entries)).not.toContain('B only');
    const ack = entries.find((e: { action: string }) => e.action === 'alert.acknowledged');
    expect(ack).toMatchObject({
      who: 'Alpha Pharma operator',
      target: { type: 'alert', id: alertId, href: `/alerts/${alertId}` },
    });
    expect(ack.reason).toContain(EVIL);
    expect(res.data.people.map((p: { label: string }) => p.label)).toContain(
      'Alpha Pharma operator',
    );
  });

  it('filters by who, what, action and day', async () => {
    const operator = `user:${t.a.members.operator.userId}`;
    expect(actions(await list('owner', `?who=${operator}`))).toEqual(['alert.acknowledged']);
    expect(actions(await list('owner', '?what=api_key'))).toEqual(['api_key.create']);
    expect(actions(await list('owner', '?action=alert.resolved'))).toEqual(['alert.resolved']);
    expect(actions(await list('owner', '?who=job'))).toEqual(['device.update', 'device.update']);
    const march1 = await list('owner', '?from=2026-03-01&to=2026-03-01');
    expect(march1.data.entries.map((e: { at: string }) => e.at)).toEqual([
      '2026-03-01T22:30:00.000Z',
    ]);
    const march2 = await list('owner', '?from=2026-03-02&to=2026-03-02');
    expect(march2.data.entries.map((e: { at: string }) => e.at)).toEqual([
      '2026-03-01T23:30:00.000Z',
    ]);
  });

  it.each([
    ['?who=user:usr_nope', 'who'],
    ['?who=hacker', 'who'],
    ['?what=rocket', 'what'],
    ['?action=DROP%20TABLE', 'action'],
    ['?from=2026-02-30', 'from'],
    ['?from=2026-03-02&to=2026-03-01', 'to'],
    ['?cursor=zzz', 'cursor'],
  ])('refuses %s with 422 on the field', async (query, field) => {
    const res = await list('owner', query);
    expect(res.status).toBe(422);
    expect(res.data.problem.errors.map((e: { path: string }) => e.path)).toContain(field);
    expect(res.data.entries).toEqual([]);
  });

  it('pages with a cursor', async () => {
    for (let i = 0; i < 55; i++) {
      await entryAt(
        t.a.tenantId,
        { type: 'system', id: 'pager' },
        'facility.update',
        '2026-04-01T10:00:00Z',
      );
    }
    const one = await list('owner', '?what=device&who=system');
    expect(one.data.entries).toHaveLength(50);
    const two = await list('owner', `?what=device&who=system&cursor=${one.data.nextCursor}`);
    expect(two.data.entries).toHaveLength(5);
    expect(two.data.nextCursor).toBeNull();
    const seqs = [...one.data.entries, ...two.data.entries].map((e: { seq: number }) => e.seq);
    expect(new Set(seqs).size).toBe(55);
  });
});

describe('audit CSV export', () => {
  it('sends a signed-out visitor to log in, and refuses roles without audit.read', async () => {
    expect((await download(null)).status).toBe(302);
    for (const role of ['manager', 'operator', 'vendor'] as const) {
      expect((await download(role)).status, role).toBe(403);
    }
  });

  it('downloads the filtered log as an attachment, not cached, spreadsheet-safe', async () => {
    const res = await download('auditor', '?what=alert');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(res.headers.get('cache-control')).toBe('no-store');
    // (The byte-order mark the use case writes is consumed by decoding the body as UTF-8.)
    const text = res.data as string;
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([
      'seq',
      'at',
      'actor_type',
      'actor_id',
      'action',
      'target_type',
      'target_id',
      'reason',
      'request_id',
      'before',
      'after',
      'hash',
    ]);
    expect(rows.map((r) => r[4])).toEqual([
      'alert.resolved',
      'alert.raise',
      'alert.acknowledged',
      'alert.raise',
    ]);
    expect(res.headers.get('x-export-rows')).toBe('4');
    expect(res.headers.get('x-export-truncated')).toBe('false');
    const ack = rows[2]!;
    expect(ack[3]).toBe(t.a.members.operator.userId);
    expect(ack[6]).toBe(alertId);
    // The reason starts with "=": written with a leading quote so no spreadsheet runs it, and
    // the quotes and line break inside survive the round trip.
    expect(ack[7]).toBe(`'${EVIL} door, "left" open\nsecond line`);
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
  });

  it('defuses a formula in any cell and keeps JSON cells intact', async () => {
    const resolved = await download('owner', '?action=alert.resolved');
    const [, row] = parseCsv(resolved.data as string);
    expect(row![7]).toBe("'@SUM(A1) stock discarded");
    const keys = await download('owner', '?what=api_key');
    const [, key] = parseCsv(keys.data as string);
    expect(key![6]).toBe(keyId);
    expect(JSON.parse(key![10]!)).toMatchObject({ name: '@SUM(A1) export' });
  });

  it('has the page’s day filter and never another company’s rows', async () => {
    const res = await download('owner', '?from=2026-03-02&to=2026-03-02');
    const rows = parseCsv(res.data as string).slice(1);
    expect(rows.map((r) => r[1])).toEqual(['2026-03-01T23:30:00.000Z']);
    const all = await download('owner');
    expect(all.data).not.toContain('B only');
    expect(all.data).not.toContain(t.b.tenantId);
  });

  it('answers 422 for a bad filter', async () => {
    const res = await download('owner', '?from=yesterday');
    expect(res.status).toBe(422);
    expect(res.data.errors.map((e: { path: string }) => e.path)).toEqual(['from']);
  });
});
