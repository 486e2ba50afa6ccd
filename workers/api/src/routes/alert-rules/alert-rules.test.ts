import { facilityRepo, listAudit } from '@anythingiot/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, registerDevice, type TestApp } from '../../../test/harness.js';
import { call, seedApiKey, seedTenant, writableState } from '../../../test/tenant-fixtures.js';

let t: TestApp;
let tenantId: string;
let deviceId: string;
let key: string;
beforeAll(async () => {
  t = await createTestApp('api_alert_rules');
  ({ tenantId, deviceId } = await registerDevice(t.db));
  key = (await seedApiKey(t.db, tenantId)).key;
});
afterAll(() => t?.db.drop());

const api = (method: string, path: string, body?: unknown) => call(t.app, key, method, path, body);

const fridgeRule = (overrides: Record<string, unknown> = {}) => ({
  name: 'Vaccines 2–8 °C',
  scope: { kind: 'device', deviceId },
  metric: 'temperature',
  condition: { kind: 'outside', low: 2, high: 8 },
  durationSeconds: 900,
  deadband: 0.5,
  severity: 'critical',
  schedule: null,
  enabled: true,
  ...overrides,
});

describe('alert rules API', () => {
  it('creates from a preset, lists, changes with an audited reason and archives', async () => {
    const presets = await (await api('GET', '/v1/alert-rules/presets')).json();
    const pharma = presets.items.find((p: { id: string }) => p.id === 'pharma_refrigerated');
    expect(pharma.rule).toMatchObject({
      metric: 'temperature',
      condition: { kind: 'outside', low: 2, high: 8 },
    });

    const created = await api('POST', '/v1/alert-rules', {
      rule: { ...pharma.rule, scope: { kind: 'device', deviceId } },
      presetId: 'pharma_refrigerated',
    });
    expect(created.status).toBe(201);
    const rule = await created.json();
    expect(rule).toMatchObject({ version: 1, presetId: 'pharma_refrigerated', archivedAt: null });

    const listed = await (await api('GET', `/v1/alert-rules?deviceId=${deviceId}`)).json();
    expect(listed.items.map((r: { id: string }) => r.id)).toContain(rule.id);

    const changed = await api('PUT', `/v1/alert-rules/${rule.id}`, {
      rule: { ...rule.rule, durationSeconds: 600 },
      reason: 'SOP rev 4 shortens the alarm delay',
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ version: 2, rule: { durationSeconds: 600 } });
    const entry = (await listAudit(t.db.handle.db, tenantId)).find(
      (e) => e.action === 'alert_rule.update' && e.target.id === rule.id,
    );
    expect(entry).toMatchObject({
      reason: 'SOP rev 4 shortens the alarm delay',
      before: { durationSeconds: pharma.rule.durationSeconds },
      after: { durationSeconds: 600 },
    });

    const archived = await api('POST', `/v1/alert-rules/${rule.id}/archive`, {
      reason: 'fridge retired',
    });
    expect(await archived.json()).toMatchObject({ rule: { enabled: false } });
    const active = await (await api('GET', `/v1/alert-rules?deviceId=${deviceId}`)).json();
    expect(active.items.map((r: { id: string }) => r.id)).not.toContain(rule.id);
    expect(
      (await api('PUT', `/v1/alert-rules/${rule.id}`, { rule: rule.rule, reason: 'x' })).status,
    ).toBe(404);
  });

  it.each([
    [{ condition: { kind: 'outside', low: 8, high: 2 } }, 'rule.condition.low'],
    [{ durationSeconds: -1 }, 'rule.durationSeconds'],
    [{ metric: 'Temp!' }, 'rule.metric'],
    [{ metric: 'temperature', condition: { kind: 'door_open' } }, 'rule.condition.kind'],
    [{ deadband: -0.1 }, 'rule.deadband'],
    [{ scope: { kind: 'device', deviceId: 'dev_00000000000000000000' } }, 'scope.deviceId'],
    [{ scope: { kind: 'facility', facilityId: 'fac_00000000000000000000' } }, 'scope.facilityId'],
  ])('refuses %j naming the field, writing nothing', async (overrides, field) => {
    const before = await writableState(t.db);
    const res = await api('POST', '/v1/alert-rules', { rule: fridgeRule(overrides) });
    expect(res.status).toBe(422);
    const paths = (await res.json()).errors.map((e: { path: string }) => e.path);
    expect(
      paths.some((p: string) => p === field || p.startsWith(`${field}.`) || p.endsWith(field)),
    ).toBe(true);
    expect(await writableState(t.db)).toEqual(before);
  });

  it("refuses another tenant's facility as a scope and needs a reason to change or archive", async () => {
    const other = await seedTenant(t.db, 'Other');
    const theirs = await facilityRepo(t.db.handle.db, other.tenantId).create(
      { name: 'Theirs' },
      { actor: { type: 'system', id: 'test' }, requestId: null },
    );
    const before = await writableState(t.db);
    const res = await api('POST', '/v1/alert-rules', {
      rule: fridgeRule({ scope: { kind: 'facility', facilityId: theirs.id } }),
    });
    expect(res.status).toBe(422);
    const rule = await (await api('POST', '/v1/alert-rules', { rule: fridgeRule() })).json();
    const afterCreate = await writableState(t.db);
    expect((await api('PUT', `/v1/alert-rules/${rule.id}`, { rule: rule.rule })).status).toBe(422);
    expect(
      (await api('PUT', `/v1/alert-rules/${rule.id}`, { rule: rule.rule, reason: ' ' })).status,
    ).toBe(422);
    expect((await api('POST', `/v1/alert-rules/${rule.id}/archive`, {})).status).toBe(422);
    expect(await writableState(t.db)).toEqual(afterCreate);
    expect(afterCreate).not.toEqual(before);
  });
});
