import { z } from 'zod';

/** `HH:MM`, 00:00–23:59. A whole day is written as start == end, so 24:00 is never needed. */
export const ClockTimeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM between 00:00 and 23:59');

/**
 * A daily window in local wall-clock time, belonging to the day it starts. end < start spans
 * midnight (22:00–06:00); start == end lasts 24 h from start. Shared by schedules and quiet hours.
 */
export const DailyWindowSchema = z.object({ start: ClockTimeSchema, end: ClockTimeSchema });
export type DailyWindow = z.infer<typeof DailyWindowSchema>;

/** Weekdays (0 = Sunday, as `Date#getDay`) plus a daily window. */
export const RuleScheduleSchema = DailyWindowSchema.extend({
  days: z
    .array(z.number().int().min(0).max(6))
    .min(1, 'pick at least one day')
    .refine((days) => new Set(days).size === days.length, 'days must not repeat'),
});
export type RuleSchedule = z.infer<typeof RuleScheduleSchema>;

export type LocalTime = { weekday: number; minuteOfDay: number };

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
// Building an Intl formatter costs far more than using one; rules are evaluated per reading.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      // h23, not hour12: false: some engines print midnight as "24" with the latter.
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local weekday and minute of day of an instant in an IANA time zone (DST-aware). */
export function localTime(tsMs: number, timeZone: string): LocalTime {
  let weekday = -1;
  let hour = 0;
  let minute = 0;
  for (const part of formatter(timeZone).formatToParts(tsMs)) {
    if (part.type === 'weekday') weekday = WEEKDAYS[part.value] ?? -1;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  if (weekday < 0) throw new RangeError(`cannot read the weekday in time zone ${timeZone}`);
  return { weekday, minuteOfDay: hour * 60 + minute };
}

/** True when `timeZone` is an IANA zone this runtime knows (validate facility settings with it). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether a local time falls in a window, and on which local day that window started
 * (`startedOn`): a 22:00–06:00 window at 01:00 on Tuesday belongs to Monday's night.
 */
function windowHit(window: DailyWindow, local: LocalTime): { startedOn: number } | null {
  const start = minutes(window.start);
  const end = minutes(window.end);
  const m = local.minuteOfDay;
  if (start < end) return m >= start && m < end ? { startedOn: local.weekday } : null;
  // Spans midnight; start == end is the same rule with a 24 h length (Mon 08:00 → Tue 08:00).
  if (m >= start) return { startedOn: local.weekday };
  if (m < end) return { startedOn: (local.weekday + 6) % 7 };
  return null;
}

/**
 * True while a rule's schedule is active at `tsMs` in the facility's time zone; null = always.
 * Wall-clock semantics: on a spring-forward night the skipped hour simply does not occur, on a
 * fall-back night the repeated hour counts twice, as it does on the fridge's wall clock.
 */
export function isScheduleActive(
  schedule: RuleSchedule | null,
  tsMs: number,
  timeZone: string,
): boolean {
  if (schedule === null) return true;
  const hit = windowHit(schedule, localTime(tsMs, timeZone));
  return hit !== null && schedule.days.includes(hit.startedOn);
}

/** True while a daily window (quiet hours) covers `tsMs` in `timeZone`, every day. */
export function isInDailyWindow(window: DailyWindow, tsMs: number, timeZone: string): boolean {
  return windowHit(window, localTime(tsMs, timeZone)) !== null;
}
