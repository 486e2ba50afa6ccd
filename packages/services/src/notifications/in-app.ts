import { inAppNotificationRepo } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';
import { assertActiveMember, notFound } from './notification-guards.js';

/** A user's in-app notifications, newest first; `unread` keeps only the ones not yet read. */
export async function listInApp({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { userId: string; unread: boolean; limit: number };
}) {
  await assertActiveMember(ctx, input.userId);
  return inAppNotificationRepo(ctx.db, ctx.tenantId).list(input.userId, input);
}

/** Marks one read; repeating it keeps the first read time. */
export async function markInAppRead({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { userId: string; id: string };
}) {
  const row = await inAppNotificationRepo(ctx.db, ctx.tenantId).markRead(input.userId, input.id);
  if (!row) throw notFound('notification', input.id);
  return row;
}
