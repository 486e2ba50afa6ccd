import { describe, expect, it } from 'vitest';
import {
  isInDailyWindow,
  isScheduleActive,
  isValidTimeZone,
  localTime,
  type RuleSchedule,
} from './schedule.js';

const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];
const utc = (iso: string) => Date.parse(iso);

/** Minutes in [fromIso, toIso) during which the schedule is active, sampled each minute. */
function activeMinutes(schedule: RuleSchedule, tz: string, fromIso: string, toIso: string) {
  let n = 0;
  for (let t = utc(fromIso); t < utc(toIso); t += 60_000) {
    if (isScheduleActive(schedule, t, tz)) n++;
  }
  return n;
}

describe('isScheduleActive', () => {
  it('is always active without a schedule', () => {
    expect(isScheduleActive(null, 0, 'UTC')).toBe(true);
  });

  it('includes the start minute and excludes the end minute', () => {
    const office = { days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' };
    expect(isScheduleActive(office, utc('2026-11-23T07:59:59Z'), 'UTC')).toBe(false);
    expect(isScheduleActive(office, utc('2026-11-23T08:00:00Z'), 'UTC')).toBe(true);
    expect(isScheduleActive(office, utc('2026-11-23T17:59:59Z'), 'UTC')).toBe(true);
    expect(isScheduleActive(office, utc('2026-11-23T18:00:00Z'), 'UTC')).toBe(false);
    expect(isScheduleActive(office, utc('2026-11-22T12:00:00Z'), 'UTC')).toBe(false); // Sunday
  });

  it('gives the hours after midnight to the day the window started', () => {
    const fridayNight = { days: [5], start: '22:00', end: '06:00' };
    expect(isScheduleActive(fridayNight, utc('2026-11-27T23:00:00Z'), 'UTC')).toBe(true); // Fri
    expect(isScheduleActive(fridayNight, utc('2026-11-28T01:00:00Z'), 'UTC')).toBe(true); // Sat
    expect(isScheduleActive(fridayNight, utc('2026-11-28T06:00:00Z'), 'UTC')).toBe(false);
    expect(isScheduleActive(fridayNight, utc('2026-11-27T01:00:00Z'), 'UTC')).toBe(false); // Thu's
    expect(isScheduleActive(fridayNight, utc('2026-11-28T23:00:00Z'), 'UTC')).toBe(false); // Sat
  });

  it('treats start == end as 24 h from start, like any window spanning midnight', () => {
    const sundays = { days: [0], start: '07:00', end: '07:00' };
    expect(activeMinutes(sundays, 'UTC', '2026-11-21T00:00Z', '2026-11-24T00:00Z')).toBe(24 * 60);
    expect(isScheduleActive(sundays, utc('2026-11-22T06:59:00Z'), 'UTC')).toBe(false);
    expect(isScheduleActive(sundays, utc('2026-11-22T07:00:00Z'), 'UTC')).toBe(true);
    expect(isScheduleActive(sundays, utc('2026-11-23T06:59:00Z'), 'UTC')).toBe(true); // Mon
    expect(isScheduleActive(sundays, utc('2026-11-23T07:00:00Z'), 'UTC')).toBe(false);
  });

  it('follows the wall clock in the facility’s zone, not UTC', () => {
    const office = { days: [1], start: '08:00', end: '18:00' };
    // Monday 07:30 UTC is 08:30 in Berlin (CET) and 02:30 in New York (EST).
    expect(isScheduleActive(office, utc('2026-11-23T07:30:00Z'), 'Europe/Berlin')).toBe(true);
    expect(isScheduleActive(office, utc('2026-11-23T07:30:00Z'), 'America/New_York')).toBe(false);
    // Sunday 23:30 UTC is already Monday 00:30 in Berlin: the weekday is local too.
    const mondays = { days: [1], start: '00:00', end: '00:00' };
    expect(isScheduleActive(mondays, utc('2026-11-22T23:30:00Z'), 'Europe/Berlin')).toBe(true);
    expect(isScheduleActive(mondays, utc('2026-11-22T23:30:00Z'), 'UTC')).toBe(false);
  });

  describe('across DST', () => {
    const nights = { days: EVERY_DAY, start: '22:00', end: '06:00' };

    it('Europe/Berlin: the spring-forward night is 7 h long, the fall-back night 9 h', () => {
      // 2026-03-29 02:00 CET → 03:00 CEST; 2026-10-25 03:00 CEST → 02:00 CET.
      expect(activeMinutes(nights, 'Europe/Berlin', '2026-03-28T12:00Z', '2026-03-29T12:00Z')).toBe(
        7 * 60,
      );
      expect(activeMinutes(nights, 'Europe/Berlin', '2026-10-24T12:00Z', '2026-10-25T12:00Z')).toBe(
        9 * 60,
      );
      expect(isScheduleActive(nights, utc('2026-03-29T03:59:00Z'), 'Europe/Berlin')).toBe(true);
      expect(isScheduleActive(nights, utc('2026-03-29T04:00:00Z'), 'Europe/Berlin')).toBe(false);
    });

    it('Europe/Berlin: a window inside the skipped hour never happens that day', () => {
      const skipped = { days: [0], start: '02:00', end: '03:00' };
      expect(
        activeMinutes(skipped, 'Europe/Berlin', '2026-03-28T12:00Z', '2026-03-29T12:00Z'),
      ).toBe(0);
      expect(
        activeMinutes(skipped, 'Europe/Berlin', '2026-04-04T12:00Z', '2026-04-05T12:00Z'),
      ).toBe(60);
    });

    it('America/New_York: the repeated hour counts twice, windows keep local clock time', () => {
      // 2026-11-01 02:00 EDT → 01:00 EST: 01:00–02:00 local happens twice.
      const repeated = { days: [0], start: '01:00', end: '02:00' };
      expect(
        activeMinutes(repeated, 'America/New_York', '2026-10-31T12:00Z', '2026-11-01T12:00Z'),
      ).toBe(120);
      // 2026-03-08 02:00 EST → 03:00 EDT: 08:00 local moves from 13:00Z to 12:00Z.
      const mornings = { days: [1, 5], start: '08:00', end: '09:00' };
      expect(isScheduleActive(mornings, utc('2026-03-06T13:30:00Z'), 'America/New_York')).toBe(
        true,
      );
      expect(isScheduleActive(mornings, utc('2026-03-09T12:30:00Z'), 'America/New_York')).toBe(
        true,
      );
      expect(isScheduleActive(mornings, utc('2026-03-09T13:30:00Z'), 'America/New_York')).toBe(
        false,
      );
      expect(
        activeMinutes(nights, 'America/New_York', '2026-03-07T12:00Z', '2026-03-08T12:00Z'),
      ).toBe(7 * 60);
    });
  });
});

describe('local time helpers', () => {
  it('reads weekday and minute of day, midnight as 0', () => {
    expect(localTime(utc('2026-11-22T23:00:00Z'), 'Europe/Berlin')).toEqual({
      weekday: 1,
      minuteOfDay: 0,
    });
  });

  it('knows valid zones', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });

  it('checks daily windows regardless of the weekday', () => {
    const quiet = { start: '22:00', end: '07:00' };
    expect(isInDailyWindow(quiet, utc('2026-11-23T05:30:00Z'), 'UTC')).toBe(true);
    expect(isInDailyWindow(quiet, utc('2026-11-23T07:00:00Z'), 'UTC')).toBe(false);
  });
});
