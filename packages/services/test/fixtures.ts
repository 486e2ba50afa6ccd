import {
  type Actor,
  type AlertRuleInput,
  API_KEY_SCOPES,
  isDomainError,
  newId,
  parseKeyring,
} from '@anythingiot/core';
import {
  alertRuleRepo,
  createTenant,
  facilityRepo,
  insertAlert,
  type NewAlert,
} from '@anythingiot/db';
import type { TestDatabase } from '@anythingiot/devstack/testing';
import type { TenantCtx } from '../src/index.js';

const SYSTEM = { type: 'system' as const, id: 'test' };
const meta = { actor: SYSTEM, requestId: null };
/** Alerts are raised by the rule evaluator: pages name it ("AnythingIoT (rule evaluation)"). */
const EVALUATOR = { actor: { type: 'system' as const, id: 'alert-evaluator' }, requestId: null };

/**
 * The context a handler would build for a member (a user actor) of the tenant: limited to
 * `facilityIds`, or to none when null. `purged` records what the credential cache was told to
 * forget.
 */
export async function memberCtx(
  db: TestDatabase,
  tenantId: string,
  facilityIds: readonly string[] | null,
  actor: Actor = { type: 'user', id: newId('user') },
) {
  const keyring = await parseKeyring(db.env.SECRETS_KEYRING!);
  const purged: string[] = [];
  const ctx: TenantCtx = {
    tenantId,
    actor,
    scopes: API_KEY_SCOPES,
    facilityIds,
    requestId: newId('request'),
    db: db.handle.db,
    ports: {
      keyring: async () => keyring,
      now: () => Date.now(),
      offlineFactor: 3,
      redis: { del: async (key: string) => purged.push(key) },
    },
  };
  return { ctx, purged };
}

/** A new tenant with the given facilities (by name). */
export async function seedTenant(db: TestDatabase, facilityNames: string[]) {
  const tenant = await createTenant(db.handle.db, { name: 'Acme', slug: newId('request') }, SYSTEM);
  const facilities = [];
  for (const name of facilityNames) {
    facilities.push(await facilityRepo(db.handle.db, tenant.id).create({ name }, meta));
  }
  return { tenantId: tenant.id, facilities };
}

/** An active alert on a device, as the evaluator raises it (with the device's facility). */
export async function seedAlert(
  db: TestDatabase,
  tenantId: string,
  device: { id: string; facilityId: string | null },
  overrides: Partial<NewAlert> = {},
) {
  const startedAt = new Date(Date.now() - 20 * 60_000);
  const alert: NewAlert = {
    id: newId('alert'),
    deviceId: device.id,
    facilityId: device.facilityId,
    kind: 'excursion',
    ruleId: null,
    excursionId: null,
    metric: 'temperature',
    severity: 'critical',
    title: 'Above 8 °C for 15 min',
    startedAt,
    endedAt: null,
    alertAt: new Date(startedAt.getTime() + 15 * 60_000),
    retrospective: false,
    dataGap: false,
    peak: 9.1,
    ...overrides,
  };
  const row = await db.handle.db.transaction((tx) => insertAlert(tx, tenantId, alert, EVALUATOR));
  if (!row) throw new Error('alert not inserted');
  return row;
}

/** A tenant-wide pharma 2–8 °C rule (15 min), or the given changes to it. */
export function seedAlertRule(
  db: TestDatabase,
  tenantId: string,
  rule: Partial<AlertRuleInput> = {},
) {
  return alertRuleRepo(db.handle.db, tenantId).create(
    {
      name: 'Refrigerated 2–8 °C',
      scope: { kind: 'tenant' },
      metric: 'temperature',
      condition: { kind: 'outside', low: 2, high: 8 },
      durationSeconds: 900,
      deadband: 0.5,
      severity: 'critical',
      schedule: null,
      enabled: true,
      ...rule,
    },
    null,
    meta,
  );
}

const TABLES = [
  'facilities',
  'devices',
  'device_credentials',
  'alerts',
  'alert_events',
  'alert_rules',
  'audit_log',
] as const;

/**
 * A digest of every row of the tables a tenant use case writes: equal before and after means
 * a refusal changed nothing at all, not merely that the row counts match.
 */
export async function fingerprint(db: TestDatabase): Promise<Record<string, string>> {
  const columns = TABLES.map(
    (t) =>
      `(select md5(coalesce(string_agg(r::text, '|' order by r::text), '')) from ${t} r) as ${t}`,
  );
  const { rows } = await db.handle.db.$client.query<Record<string, string>>(
    `select ${columns.join(', ')}`,
  );
  return rows[0]!;
}

/** The error a call throws, as the outside world sees it (the id masked out of the text). */
export async function refusal(call: Promise<unknown>, id?: string) {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isDomainError(err)) throw new Error(`expected a DomainError, got ${String(err)}`);
  const message = id ? err.message.replaceAll(id, '<id>') : err.message;
  return { code: err.code, message, details: err.details };
}
