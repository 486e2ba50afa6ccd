import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPolicy,
  createWebhookEndpoint,
  deletePolicy,
  deleteWebhookEndpoint,
  getDelivery,
  getPolicy,
  listDeliveries,
  listPolicies,
  listWebhookEndpoints,
  replacePolicy,
  setWebhookEndpointEnabled,
  type TenantCtx,
} from '../src/index.js';
import { memberCtx, refusal, seedTenant } from './fixtures.js';

// The notification settings as the dashboard will call them: a member's ctx instead of an API
// key's, the same use cases the api's routes call. Policies, endpoints and deliveries span the
// whole tenant, so a member limited to facilities may neither read nor change them.
let db: TestDatabase;
let admin: TenantCtx;
let limited: TenantCtx;

const policy = (endpointId: string) => ({
  name: 'Night shift',
  facilityId: null,
  severities: ['critical' as const],
  tiers: [
    {
      afterMinutes: 0,
      recipients: { roles: ['admin' as const], webhookEndpointIds: [endpointId] },
      channels: ['email' as const, 'webhook' as const],
    },
  ],
  repeatEveryMinutes: null,
  maxRepeats: 0,
});

/** A digest of every row the notification use cases write. */
async function written() {
  const tables = ['notification_policies', 'webhook_endpoints', 'deliveries', 'audit_log'];
  const columns = tables.map(
    (t) => `(select md5(coalesce(string_agg(r::text, '|' order by r::text), '')) from ${t} r)`,
  );
  const { rows } = await db.handle.db.$client.query(`select ${columns.join(', ')} as d`);
  return JSON.stringify(rows);
}

beforeAll(async () => {
  db = await createTestDatabase('services_notifications');
  const { tenantId, facilities } = await seedTenant(db, ['Berlin']);
  admin = (await memberCtx(db, tenantId, null)).ctx;
  limited = (await memberCtx(db, tenantId, [facilities[0]!.id])).ctx;
});
afterAll(() => db?.drop());

describe('notification settings from a member session', () => {
  it('an admin registers an endpoint (secret once), names it in a policy, and reads both back', async () => {
    const { endpoint, secret } = await createWebhookEndpoint({
      ctx: admin,
      input: { name: 'Pager', url: 'https://hooks.example.com/in' },
    });
    expect(secret).toMatch(/^whsec_/);
    const created = await createPolicy({ ctx: admin, input: policy(endpoint.id) });
    expect(await listPolicies({ ctx: admin })).toEqual([created]);
    expect(await getPolicy({ ctx: admin, input: { id: created.id } })).toEqual(created);
    expect(await listWebhookEndpoints({ ctx: admin })).toEqual([endpoint]);
    expect(await listDeliveries({ ctx: admin, input: { limit: 10 } })).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('an admin cannot point a webhook at the metadata service either (the rules live in the use case)', async () => {
    const before = await written();
    expect(
      await refusal(
        createWebhookEndpoint({
          ctx: admin,
          input: { name: 'x', url: 'https://169.254.169.254/latest/meta-data/' },
        }),
      ),
    ).toMatchObject({ code: 'VALIDATION', details: { errors: [{ path: 'url' }] } });
    expect(await written()).toBe(before);
  });

  it('a member limited to a facility is refused every one of them, and nothing is written', async () => {
    const { endpoint } = await createWebhookEndpoint({
      ctx: admin,
      input: { name: 'Other', url: 'https://other.example.com/in' },
    });
    const stored = await createPolicy({ ctx: admin, input: policy(endpoint.id) });
    const before = await written();
    const calls: [string, () => Promise<unknown>][] = [
      ['listPolicies', () => listPolicies({ ctx: limited })],
      ['getPolicy', () => getPolicy({ ctx: limited, input: { id: stored.id } })],
      ['createPolicy', () => createPolicy({ ctx: limited, input: policy(endpoint.id) })],
      [
        'replacePolicy',
        () => replacePolicy({ ctx: limited, input: { id: stored.id, ...policy(endpoint.id) } }),
      ],
      ['deletePolicy', () => deletePolicy({ ctx: limited, input: { id: stored.id } })],
      [
        'createWebhookEndpoint',
        () =>
          createWebhookEndpoint({
            ctx: limited,
            input: { name: 'y', url: 'https://y.example.com/' },
          }),
      ],
      ['listWebhookEndpoints', () => listWebhookEndpoints({ ctx: limited })],
      [
        'setWebhookEndpointEnabled',
        () =>
          setWebhookEndpointEnabled({ ctx: limited, input: { id: endpoint.id, enabled: false } }),
      ],
      [
        'deleteWebhookEndpoint',
        () => deleteWebhookEndpoint({ ctx: limited, input: { id: endpoint.id } }),
      ],
      ['listDeliveries', () => listDeliveries({ ctx: limited, input: { limit: 10 } })],
      [
        'getDelivery',
        () => getDelivery({ ctx: limited, input: { id: 'dlv_0123456789abcdefghjk' } }),
      ],
    ];
    for (const [name, call] of calls) {
      expect({ name, ...(await refusal(call())) }).toMatchObject({
        name,
        code: 'FORBIDDEN',
        details: { reason: 'facility_limited' },
      });
    }
    expect(await written()).toBe(before);
  });
});
