import type { Actor } from '@anythingiot/core';
import { appendAudit } from '@anythingiot/db';
import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_CSV_HEADER, exportAuditCsv, listAuditLog } from '../src/index.js';
import { memberCtx, refusal, seedTenant } from './fixtures.js';

let db: TestDatabase;
let tenantId: string;
const ALICE: Actor = { type: 'user', id: 'usr_alice000000000000000' };
const BOB: Actor = { type: 'user', id: 'usr_bob00000000000000000' };
const KEY: Actor = { type: 'apiKey', id: 'key_erp00000000000000000' };
const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const HOUR = 3_600_000;

/** Appends an entry at a chosen time, as a change at that time would have. */
async function entry(
  tenant: string,
  actor: Actor,
  action: string,
  target: { type: string; id: string },
  hoursAfterT0: number,
  extra: { reason?: string; after?: unknown } = {},
) {
  await db.handle.db.transaction((tx) =>
    appendAudit(
      tx,
      {
        actor,
        action,
        target,
        before: null,
        after: extra.after ?? { n: hoursAfterT0 },
        reason: extra.reason ?? null,
        requestId: null,
        at: new Date(T0 + hoursAfterT0 * HOUR),
      },
      tenant,
    ),
  );
}

beforeAll(async () => {
  db = await createTestDatabase('services_audit');
  tenantId = (await seedTenant(db, [])).tenantId;
  const dev = { type: 'device', id: 'dev_fridge00000000000000' };
  const fac = { type: 'facility', id: 'fac_berlin00000000000000' };
  for (let h = 1; h <= 12; h++) {
    const actor = [ALICE, BOB, KEY][h % 3] as Actor;
    await entry(tenantId, actor, h % 2 ? 'device.update' : 'facility.update', h % 2 ? dev : fac, h);
  }
  await entry(tenantId, BOB, 'alert.acknowledged', { type: 'alert', id: 'alr_x' }, 13, {
    reason: '=HYPERLINK("http://evil.example","click")',
    after: { comment: 'door, "left" open\nsecond line' },
  });
  // Another tenant's history: never in this tenant's answers.
  const other = (await seedTenant(db, [])).tenantId;
  await entry(other, ALICE, 'device.update', dev, 5);
});
afterAll(() => db?.drop());

const admin = async () => (await memberCtx(db, tenantId, null)).ctx;

describe('audit log listing', () => {
  it('pages newest first through everything, with no entry missed or repeated', async () => {
    const ctx = await admin();
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAuditLog({ ctx, input: { limit: 4, cursor } });
      seen.push(...page.items.map((e) => e.seq));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    // tenant.create (seq 1) + 12 + 1 entries, newest first.
    expect(seen).toEqual(Array.from({ length: 14 }, (_, i) => 14 - i));
  });

  it('filters by who, what and when', async () => {
    const ctx = await admin();
    const list = async (filter: Parameters<typeof listAuditLog>[0]['input']) =>
      (await listAuditLog({ ctx, input: { ...filter, limit: 50 } })).items;
    const byBob = await list({ limit: 50, actorType: 'user', actorId: BOB.id });
    expect(byBob.map((e) => e.actor.id)).toEqual(Array(5).fill(BOB.id));
    expect((await list({ limit: 50, actorType: 'apiKey' })).length).toBe(4);
    const devices = await list({ limit: 50, targetType: 'device' });
    expect(devices.every((e) => e.target.type === 'device' && e.action === 'device.update')).toBe(
      true,
    );
    expect(devices).toHaveLength(6);
    const window = await list({
      limit: 50,
      from: new Date(T0 + 3 * HOUR),
      to: new Date(T0 + 6 * HOUR),
    });
    expect(window.map((e) => (e.after as { n: number }).n)).toEqual([5, 4, 3]);
    const combined = await list({
      limit: 50,
      actorId: KEY.id,
      targetType: 'facility',
      from: new Date(T0),
    });
    expect(combined.map((e) => (e.after as { n: number }).n)).toEqual([8, 2]);
  });

  it('pages a filtered listing too', async () => {
    const ctx = await admin();
    const first = await listAuditLog({ ctx, input: { limit: 2, targetType: 'device' } });
    const second = await listAuditLog({
      ctx,
      input: { limit: 10, targetType: 'device', cursor: first.nextCursor ?? '' },
    });
    expect([...first.items, ...second.items].map((e) => (e.after as { n: number }).n)).toEqual([
      11, 9, 7, 5, 3, 1,
    ]);
    expect(second.nextCursor).toBeNull();
  });

  it('refuses a cursor it never issued, and members limited to facilities', async () => {
    const ctx = await admin();
    for (const cursor of ['nope', btoa('2026-01-01T00:00:00.000Z|abc')]) {
      const err = await refusal(listAuditLog({ ctx, input: { limit: 5, cursor } }));
      expect(err).toMatchObject({ code: 'VALIDATION', details: { errors: [{ path: 'cursor' }] } });
    }
    const limited = (await memberCtx(db, tenantId, ['fac_berlin00000000000000'])).ctx;
    expect((await refusal(listAuditLog({ ctx: limited, input: { limit: 5 } }))).code).toBe(
      'FORBIDDEN',
    );
    expect((await refusal(exportAuditCsv({ ctx: limited, input: {} }))).code).toBe('FORBIDDEN');
  });
});

describe('audit CSV export', () => {
  it('writes a header and the filtered rows newest first, quoted and formula-safe', async () => {
    const ctx = await admin();
    const { csv, rows, truncated } = await exportAuditCsv({ ctx, input: { actorId: BOB.id } });
    expect({ rows, truncated }).toEqual({ rows: 5, truncated: false });
    expect(csv.startsWith(`\uFEFF${AUDIT_CSV_HEADER.join(',')}\r\n`)).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    // The newest (the acknowledgement) first; its reason is defused, its JSON quoted whole.
    const ack = lines[1] ?? '';
    expect(ack).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(ack).toContain('"{""comment"":""door, \\""left\\"" open\\nsecond line""}"');
    expect(ack).toContain(',alert.acknowledged,alert,alr_x,');
    expect(lines.at(-1)).toBe('');
    expect(csv).not.toContain('tenant.create');
  });
});
