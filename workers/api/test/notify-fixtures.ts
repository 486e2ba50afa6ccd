import { newDeviceSecret, newId, parseKeyring, sealSecret } from '@anythingiot/core';
import { deviceRepo, notificationPolicyRepo, schema, webhookEndpointRepo } from '@anythingiot/db';
import type { TestDatabase } from '@anythingiot/devstack/testing';
import { eq } from 'drizzle-orm';
import { seedMember, waitFor } from './notify-stack.js';

const meta = { actor: { type: 'system' as const, id: 'test' }, requestId: null };

/**
 * One of each notification resource in a tenant, for the security matrix: a policy, a webhook
 * endpoint, a delivery and an in-app notification of the given alert, and a member.
 * `userNotificationId` is the `usr_…/notifications/ntf_…` part of a mark-read path.
 */
export async function seedNotificationResources(
  db: TestDatabase,
  tenantId: string,
  alertId: string,
) {
  const { userId, email } = await seedMember(db, tenantId, { role: 'manager' });
  const policy = await notificationPolicyRepo(db.handle.db, tenantId).create(
    {
      name: 'everyone',
      facilityId: null,
      severities: ['critical'],
      tiers: [{ afterMinutes: 0, recipients: { roles: ['manager'] }, channels: ['email'] }],
      repeatEveryMinutes: null,
      maxRepeats: 0,
    },
    meta,
  );
  const keyring = await parseKeyring(db.env.SECRETS_KEYRING ?? '');
  const endpoint = await webhookEndpointRepo(db.handle.db, tenantId).create(
    { name: 'pager', url: 'https://pager.example.com/hook' },
    await sealSecret(keyring, 'whsec_test'),
    keyring.current,
    meta,
  );
  const deliveryId = newId('delivery');
  await db.handle.db.insert(schema.deliveries).values({
    id: deliveryId,
    tenantId,
    alertId,
    tier: 1,
    channel: 'email',
    recipient: email,
    userId,
    dedupKey: `${alertId}:tier1:repeat0:email:${userId}`,
  });
  const notificationId = newId('notification');
  await db.handle.db.insert(schema.inAppNotifications).values({
    id: notificationId,
    tenantId,
    userId,
    alertId,
    title: 'Too warm',
    body: 'Fridge',
  });
  return {
    notificationPolicyId: policy.id,
    webhookEndpointId: endpoint.id,
    deliveryId,
    userId,
    userNotificationId: `${userId}/notifications/${notificationId}`,
  };
}

/**
 * Replaces the tenant's notification policies with one tenant-wide policy of these tiers, for
 * every severity (tests pick who is reached by the tiers alone).
 */
export async function useOnlyPolicy(
  db: TestDatabase,
  tenantId: string,
  tiers: unknown[],
  repeat: { repeatEveryMinutes: number | null; maxRepeats: number } = {
    repeatEveryMinutes: null,
    maxRepeats: 0,
  },
) {
  const repo = notificationPolicyRepo(db.handle.db, tenantId);
  for (const p of await repo.list()) await repo.delete(p.id, meta);
  return repo.create(
    {
      name: 'test',
      facilityId: null,
      severities: ['info', 'warning', 'critical'],
      tiers: tiers as never,
      ...repeat,
    },
    meta,
  );
}

/** The alert's deliveries once there are `count` and none is pending or failed (QStash is done). */
export const settledDeliveries = (db: TestDatabase, alertId: string, count: number, ms = 20_000) =>
  waitFor(async () => {
    const rows = await db.handle.db
      .select()
      .from(schema.deliveries)
      .where(eq(schema.deliveries.alertId, alertId))
      .orderBy(schema.deliveries.tier, schema.deliveries.channel, schema.deliveries.recipient);
    return rows.length === count && rows.every((r) => r.status === 'sent' || r.status === 'dead')
      ? rows
      : undefined;
  }, ms);

/** A device of the tenant (no secret is handed out: these tests raise alerts directly). */
export async function seedNotifiedDevice(
  db: TestDatabase,
  tenantId: string,
  input: { name: string; facilityId?: string },
) {
  const keyring = await parseKeyring(db.env.SECRETS_KEYRING ?? '');
  return (
    await deviceRepo(db.handle.db, tenantId).create(
      input,
      await sealSecret(keyring, newDeviceSecret()),
      keyring.current,
      meta,
    )
  ).id;
}
