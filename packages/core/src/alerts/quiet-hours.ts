import { z } from 'zod';
import type { Severity } from './rule.js';
import { DailyWindowSchema, isInDailyWindow, isValidTimeZone } from './schedule.js';

/** Channels a person chooses for themselves (webhooks belong to endpoints, not people). */
export const USER_CHANNELS = ['email', 'sms', 'in_app'] as const;
export const UserChannelSchema = z.enum(USER_CHANNELS);
export type UserChannel = z.infer<typeof UserChannelSchema>;

export const NotificationPrefsSchema = z.object({
  channels: z
    .array(UserChannelSchema)
    .refine((c) => new Set(c).size === c.length, 'channels must not repeat'),
  /** Daily, in the user's time zone; end < start spans midnight, start == end is 24 h. */
  quietHours: DailyWindowSchema.nullable(),
  timeZone: z.string().refine(isValidTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin'),
});
export type NotificationPrefs = z.infer<typeof NotificationPrefsSchema>;

/** Channels muted during quiet hours: the ones that wake people up. */
const MUTABLE: ReadonlySet<UserChannel> = new Set(['email', 'sms']);

/**
 * The user's channels for an alert of `severity` at `nowMs`: quiet hours mute email and SMS for
 * info and warning, never for critical (a warm vaccine fridge at 3 a.m. must wake someone);
 * in_app is never muted since it only waits in the list.
 */
export function channelsFor(
  prefs: NotificationPrefs,
  severity: Severity,
  nowMs: number,
): UserChannel[] {
  const quiet =
    severity !== 'critical' &&
    prefs.quietHours !== null &&
    isInDailyWindow(prefs.quietHours, nowMs, prefs.timeZone);
  return quiet ? prefs.channels.filter((c) => !MUTABLE.has(c)) : [...prefs.channels];
}
