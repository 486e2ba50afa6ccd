import {
  API_KEY_SCOPES,
  type ApiKeyScope,
  newDeviceSecret,
  parseKeyring,
  sealSecret,
} from '@anythingiot/core';
import { commandRepo, deviceRepo, facilityRepo } from '@anythingiot/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness.js';
import { seedNotificationResources } from './notify-fixtures.js';
import {
  call,
  seedAlert,
  seedAlertRule,
  seedApiKey,
  seedTenant,
  writableState,
} from './tenant-fixtures.js';

type Ids = {
  deviceId: string;
  apiKeyId: string;
  alertId: string;
  alertRuleId: string;
  facilityId: string;
  commandId: string;
} & Awaited<ReturnType<typeof seedNotificationResources>>;

export type SecuredRoute = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path, or a function of a resource id for routes on one resource. */
  path: string | ((id: string) => string);
  scope: ApiKeyScope;
  /** A body the route would accept, so refusals are about the credential, not the input. */
  body?: unknown;
  /** The kind of resource the id names; the matrix creates one in another tenant. */
  resource?:
    | 'device'
    | 'apiKey'
    | 'alert'
    | 'alertRule'
    | 'notificationPolicy'
    | 'webhookEndpoint'
    | 'delivery'
    | 'user'
    | 'userNotification'
    | 'facility'
    | 'command';
};

/**
 * STYLE.md's security matrix for one route: no credential → 401, a malformed, unknown, revoked
 * or expired key → 401, a key without the route's scope → 403, and another tenant's resource
 * → 404 even with a key holding every scope. Each refusal also proves nothing was written.
 */
export function securityMatrix(route: SecuredRoute) {
  const label = typeof route.path === 'string' ? route.path : route.path(':id');
  describe(`security matrix: ${route.method} ${label}`, () => {
    let t: TestApp;
    let own: { tenantId: string; key: string } & Ids;
    let otherTenant: Ids;
    const keys: Record<string, string> = {};

    beforeAll(async () => {
      t = await createTestApp('security');
      const a = await seedTenant(t.db, 'Tenant A');
      const b = await seedTenant(t.db, 'Tenant B');
      const deviceIn = async (tenantId: string, facilityId: string | null = null) => {
        const keyring = await parseKeyring(t.db.env.SECRETS_KEYRING ?? '');
        const sealed = await sealSecret(keyring, newDeviceSecret());
        return (
          await deviceRepo(t.db.handle.db, tenantId).create(
            { name: 'fridge', facilityId },
            sealed,
            keyring.current,
            {
              actor: { type: 'system', id: 'test' },
              requestId: null,
            },
          )
        ).id;
      };
      const system = { actor: { type: 'system' as const, id: 'test' }, requestId: null };
      // A facility with an active device in it, and a command for that device.
      const placed = async (tenantId: string) => {
        const facility = await facilityRepo(t.db.handle.db, tenantId).create(
          { name: 'Berlin' },
          system,
        );
        const deviceId = await deviceIn(tenantId, facility.id);
        const [made] = await commandRepo(t.db.handle.db, tenantId).create(
          [{ deviceId, type: 'ping', payload: {}, ttlSeconds: 3600, idempotencyKey: null }],
          system,
          new Date(),
        );
        return { facilityId: facility.id, commandId: made!.command.id };
      };
      const ownDevice = await deviceIn(a.tenantId);
      const ownAlert = (await seedAlert(t.db, a.tenantId, ownDevice)).id;
      own = {
        ...a,
        deviceId: ownDevice,
        apiKeyId: (await seedApiKey(t.db, a.tenantId)).id,
        alertId: ownAlert,
        alertRuleId: (await seedAlertRule(t.db, a.tenantId)).id,
        ...(await seedNotificationResources(t.db, a.tenantId, ownAlert)),
        ...(await placed(a.tenantId)),
      };
      const otherDevice = await deviceIn(b.tenantId);
      const otherAlert = (await seedAlert(t.db, b.tenantId, otherDevice)).id;
      otherTenant = {
        deviceId: otherDevice,
        apiKeyId: (await seedApiKey(t.db, b.tenantId)).id,
        alertId: otherAlert,
        alertRuleId: (await seedAlertRule(t.db, b.tenantId)).id,
        ...(await seedNotificationResources(t.db, b.tenantId, otherAlert)),
        ...(await placed(b.tenantId)),
      };
      keys.revoked = (await seedApiKey(t.db, a.tenantId, { revoked: true })).key;
      keys.expired = (await seedApiKey(t.db, a.tenantId, { expired: true })).key;
      keys.unscoped = (
        await seedApiKey(t.db, a.tenantId, {
          scopes: API_KEY_SCOPES.filter((s) => s !== route.scope),
        })
      ).key;
    });
    afterAll(() => t?.db.drop());

    const resourceId = (ids: Ids) => ids[`${route.resource ?? 'device'}Id`];

    const ownPath = () => {
      if (typeof route.path === 'string') return route.path;
      return route.path(resourceId(own));
    };

    async function expectRefused(
      key: string | undefined,
      status: number,
      code: string,
      path = ownPath(),
    ) {
      const before = await writableState(t.db);
      const res = await call(t.app, key, route.method, path, route.body);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.json()).toMatchObject({ status, code });
      expect(await writableState(t.db)).toEqual(before);
    }

    it('answers 401 missing_credential without an API key', async () => {
      await expectRefused(undefined, 401, 'missing_credential');
      await expectRefused('', 401, 'missing_credential');
    });

    it('answers 401 invalid_credential for a malformed, unknown, revoked or expired key', async () => {
      await expectRefused('not-a-key', 401, 'invalid_credential');
      // Right shape, never issued.
      await expectRefused(`aik_${'A'.repeat(12)}_${'B'.repeat(43)}`, 401, 'invalid_credential');
      await expectRefused(keys.revoked, 401, 'invalid_credential');
      await expectRefused(keys.expired, 401, 'invalid_credential');
    });

    it(`answers 403 missing_scope for a key without ${route.scope}`, async () => {
      await expectRefused(keys.unscoped, 403, 'missing_scope');
    });

    if (typeof route.path === 'function') {
      const pathOf = route.path;
      it("answers 404 for another tenant's resource, as if it did not exist", async () => {
        const foreignId = resourceId(otherTenant);
        // Facilities answer with their own reason code (shared with the dashboard).
        const code = route.resource === 'facility' ? 'facility_not_found' : 'not_found';
        await expectRefused(own.key, 404, code, pathOf(foreignId));
      });
    }
  });
}
