import { DEFAULT_NOTIFICATION_PREFS, type NotificationPrefs } from '@anythingiot/core';
import { notificationPrefsRepo, recipientRepo } from '@anythingiot/db';
import { auditMeta, type TenantCtx } from '../context.js';
import { invalidFields, notFound } from './notification-errors.js';

export type PrefsInput = NotificationPrefs & { phone: string | null };

/** A user of this tenant; anyone else (another tenant's user, a made-up id) is a 404. */
async function assertMember(ctx: TenantCtx, userId: string) {
  if (!(await recipientRepo(ctx.db, ctx.tenantId).isActiveMember(userId))) {
    throw notFound('user', userId);
  }
}

/** The user's preferences, or the defaults that apply while they have none. */
export async function getPreferences({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { userId: string };
}) {
  await assertMember(ctx, input.userId);
  const stored = await notificationPrefsRepo(ctx.db, ctx.tenantId).get(input.userId);
  return stored
    ? { ...stored, isDefault: false }
    : { ...DEFAULT_NOTIFICATION_PREFS, phone: null, updatedAt: null, isDefault: true };
}

/** Sets the user's preferences (audited with before and after). SMS needs a phone number. */
export async function putPreferences({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: PrefsInput & { userId: string };
}) {
  const { userId, ...prefs } = input;
  await assertMember(ctx, userId);
  if (prefs.channels.includes('sms') && !prefs.phone) {
    throw invalidFields([{ path: 'phone', message: 'SMS needs a phone number (E.164)' }]);
  }
  const stored = await notificationPrefsRepo(ctx.db, ctx.tenantId).put(
    userId,
    prefs,
    auditMeta(ctx),
  );
  return { ...stored, isDefault: false };
}
