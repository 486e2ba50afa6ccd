import { describe, expect, it } from 'vitest';
import { channelsFor, NotificationPrefsSchema } from './quiet-hours.js';

const prefs = {
  channels: ['email', 'sms', 'in_app'] as ('email' | 'sms' | 'in_app')[],
  quietHours: { start: '22:00', end: '07:00' },
  timeZone: 'Europe/Berlin',
};
// 02:00 Berlin (CET) and 12:00 Berlin.
const NIGHT = Date.parse('2026-11-23T01:00:00Z');
const NOON = Date.parse('2026-11-23T11:00:00Z');

describe('channelsFor', () => {
  it('mutes email and sms for info and warning during quiet hours, keeps in_app', () => {
    expect(channelsFor(prefs, 'info', NIGHT)).toEqual(['in_app']);
    expect(channelsFor(prefs, 'warning', NIGHT)).toEqual(['in_app']);
  });

  it('never mutes critical', () => {
    expect(channelsFor(prefs, 'critical', NIGHT)).toEqual(['email', 'sms', 'in_app']);
  });

  it('mutes nothing outside quiet hours or without them', () => {
    expect(channelsFor(prefs, 'info', NOON)).toEqual(['email', 'sms', 'in_app']);
    expect(channelsFor({ ...prefs, quietHours: null }, 'info', NIGHT)).toEqual([
      'email',
      'sms',
      'in_app',
    ]);
  });

  it('reads quiet hours in the user’s zone', () => {
    // 01:00 UTC is 20:00 the evening before in New York: not quiet there.
    expect(channelsFor({ ...prefs, timeZone: 'America/New_York' }, 'info', NIGHT)).toEqual([
      'email',
      'sms',
      'in_app',
    ]);
  });

  it('validates preferences', () => {
    expect(NotificationPrefsSchema.safeParse(prefs).success).toBe(true);
    expect(NotificationPrefsSchema.safeParse({ ...prefs, timeZone: 'Nowhere/Land' }).success).toBe(
      false,
    );
    expect(NotificationPrefsSchema.safeParse({ ...prefs, channels: ['webhook'] }).success).toBe(
      false,
    );
  });
});
