import { DEFAULT_NOTIFICATION_PREFS, type NotificationPrefs } from '@anythingiot/core';
import { notificationPrefsRepo } from '@anythingiot/db';
import { auditMeta, type TenantCtx } from '../context.js';
import { assertActiveMember, invalidFields } from './notification-guards.js';

export type PrefsInput = NotificationPrefs & { phone: string | null };

/** The user's preferences, or the defaults that apply while they have none. */
export async function getPreferences({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { userId: string };
}) {
  await assertActiveMember(ctx, input.userId);
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
  await assertActiveMember(ctx, userId);
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
