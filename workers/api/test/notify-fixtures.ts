import { newId, parseKeyring, sealSecret } from '@anythingiot/core';
import { notificationPolicyRepo, schema, webhookEndpointRepo } from '@anythingiot/db';
import type { TestDatabase } from '@anythingiot/devstack/testing';
import { seedMember } from './notify-stack.js';

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
