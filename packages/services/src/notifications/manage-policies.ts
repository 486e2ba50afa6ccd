import type { FieldError } from '@anythingiot/core';
import {
  facilityRepo,
  type NotificationPolicyInput,
  notificationPolicyRepo,
  recipientRepo,
  type StoredNotificationPolicy,
  webhookEndpointRepo,
} from '@anythingiot/db';
import { auditMeta, type TenantCtx } from '../context.js';
import { invalidFields, notFound, requireWholeTenant } from './notification-guards.js';

/**
 * Everything a policy names must exist in this tenant: its facility, the users (as active
 * members) and the webhook endpoints. Another tenant's id is refused like a made-up one.
 */
async function assertReferencesExist(ctx: TenantCtx, input: NotificationPolicyInput) {
  const errors: FieldError[] = [];
  if (
    input.facilityId !== null &&
    !(await facilityRepo(ctx.db, ctx.tenantId).get(input.facilityId))
  ) {
    errors.push({ path: 'facilityId', message: 'no such facility in this tenant' });
  }
  const members = new Set(
    (await recipientRepo(ctx.db, ctx.tenantId).members())
      .filter((m) => m.active)
      .map((m) => m.userId),
  );
  const endpoints = new Set(
    (await webhookEndpointRepo(ctx.db, ctx.tenantId).list()).map((e) => e.id),
  );
  input.tiers.forEach((tier, i) => {
    (tier.recipients.userIds ?? []).forEach((id, j) => {
      if (!members.has(id)) {
        errors.push({
          path: `tiers.${i}.recipients.userIds.${j}`,
          message: 'not an active member of this tenant',
        });
      }
    });
    (tier.recipients.webhookEndpointIds ?? []).forEach((id, j) => {
      if (!endpoints.has(id)) {
        errors.push({
          path: `tiers.${i}.recipients.webhookEndpointIds.${j}`,
          message: 'no such webhook endpoint in this tenant',
        });
      }
    });
  });
  if (errors.length > 0) throw invalidFields(errors);
}

export async function listPolicies({
  ctx,
}: {
  ctx: TenantCtx;
}): Promise<StoredNotificationPolicy[]> {
  requireWholeTenant(ctx, 'Notification policies');
  return notificationPolicyRepo(ctx.db, ctx.tenantId).list();
}

export async function getPolicy({ ctx, input }: { ctx: TenantCtx; input: { id: string } }) {
  requireWholeTenant(ctx, 'Notification policies');
  const policy = await notificationPolicyRepo(ctx.db, ctx.tenantId).get(input.id);
  if (!policy) throw notFound('notification policy', input.id);
  return policy;
}

/** Creates a policy; changes are audited with before and after. */
export async function createPolicy({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: NotificationPolicyInput;
}) {
  requireWholeTenant(ctx, 'Notification policies');
  await assertReferencesExist(ctx, input);
  return notificationPolicyRepo(ctx.db, ctx.tenantId).create(input, auditMeta(ctx));
}

/** Replaces a policy as a whole (PUT): what is sent is what applies from now on. */
export async function replacePolicy({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: NotificationPolicyInput & { id: string };
}) {
  const { id, ...policy } = input;
  // 404 before 422: whether the id exists says nothing the caller could not learn otherwise.
  await getPolicy({ ctx, input: { id } });
  await assertReferencesExist(ctx, policy);
  const replaced = await notificationPolicyRepo(ctx.db, ctx.tenantId).replace(
    id,
    policy,
    auditMeta(ctx),
  );
  if (!replaced) throw notFound('notification policy', id);
  return replaced;
}

export async function deletePolicy({ ctx, input }: { ctx: TenantCtx; input: { id: string } }) {
  requireWholeTenant(ctx, 'Notification policies');
  const deleted = await notificationPolicyRepo(ctx.db, ctx.tenantId).delete(
    input.id,
    auditMeta(ctx),
  );
  if (!deleted) throw notFound('notification policy', input.id);
}
