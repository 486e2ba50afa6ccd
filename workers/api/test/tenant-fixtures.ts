import { API_KEY_SCOPES, type ApiKeyScope, newId } from '@anythingiot/core';
import { apiKeyRepo, createApiKey, createTenant, type NewAlert } from '@anythingiot/db';
import type { TestDatabase } from '@anythingiot/devstack/testing';
import { seedAlert as seedAlertOn } from '@anythingiot/services/testing';

const SYSTEM = { type: 'system' as const, id: 'test' };
const meta = { actor: SYSTEM, requestId: null };

/** A new tenant with an API key holding every scope. */
export async function seedTenant(db: TestDatabase, name = 'Acme Pharma') {
  const tenant = await createTenant(db.handle.db, { name, slug: newId('request') }, SYSTEM);
  const { key } = await seedApiKey(db, tenant.id);
  return { tenantId: tenant.id, key };
}

/** A key of the tenant with the given scopes; `revoked` or `expired` keys for refusal tests. */
export async function seedApiKey(
  db: TestDatabase,
  tenantId: string,
  opts: { scopes?: readonly ApiKeyScope[]; revoked?: boolean; expired?: boolean } = {},
) {
  const created = await createApiKey(
    db.handle.db,
    tenantId,
    { name: 'test key', scopes: [...(opts.scopes ?? API_KEY_SCOPES)] },
    meta,
  );
  if (opts.revoked) await apiKeyRepo(db.handle.db, tenantId).revoke(created.id, meta);
  if (opts.expired) {
    await db.handle.db.$client.query(
      `update api_keys set expires_at = now() - interval '1 second' where id = $1`,
      [created.id],
    );
  }
  return created;
}

/** Request helper: JSON in, the key as a bearer token. */
export function call(
  app: { request(path: string, init: RequestInit): Response | Promise<Response> },
  key: string | undefined,
  method: string,
  path: string,
  body?: unknown,
) {
  const headers: Record<string, string> = {};
  if (key !== undefined) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return app.request(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Row counts of everything a tenant route could write, to prove a refusal wrote nothing. */
export async function writableState(db: TestDatabase) {
  const { rows } = await db.handle.db.$client.query<Record<string, string>>(
    `select (select count(*) from devices) as devices,
            (select count(*) from devices where status = 'revoked') as revoked_devices,
            (select count(*) from device_credentials) as credentials,
            (select count(*) from device_credentials where revoked_at is not null or valid_until is not null) as retired_credentials,
            (select count(*) from api_keys) as api_keys,
            (select count(*) from api_keys where revoked_at is not null) as revoked_api_keys,
            (select count(*) from audit_log) as audit_entries,
            (select count(*) from alert_events) as alert_events,
            (select coalesce(sum(version), 0) from alerts) as alert_versions,
            (select count(*) from alert_rules) as alert_rules,
            (select coalesce(sum(version), 0) from alert_rules) as alert_rule_versions,
            (select count(*) from alert_rules where archived_at is not null) as archived_rules,
            (select count(*) from notification_policies) as notification_policies,
            (select coalesce(max(updated_at), 'epoch')::text from notification_policies) as policies_updated,
            (select count(*) from webhook_endpoints) as webhook_endpoints,
            (select count(*) from webhook_endpoints where enabled) as enabled_webhook_endpoints,
            (select count(*) from notification_preferences) as notification_preferences,
            (select coalesce(max(updated_at), 'epoch')::text from notification_preferences) as preferences_updated,
            (select count(*) from deliveries) as deliveries,
            (select count(*) from in_app_notifications where read_at is null) as unread_notifications,
            (select coalesce(max(updated_at), 'epoch')::text from devices) as devices_updated,
            (select count(*) from commands) as commands,
            (select coalesce(sum(version), 0) from commands) as command_versions`,
  );
  return rows[0];
}

/** An active alert on a device, as the evaluator would raise it (in no facility unless told). */
export const seedAlert = (
  db: TestDatabase,
  tenantId: string,
  deviceId: string,
  overrides: Partial<NewAlert> = {},
) => seedAlertOn(db, tenantId, { id: deviceId, facilityId: null }, overrides);

export { seedAlertRule } from '@anythingiot/services/testing';
