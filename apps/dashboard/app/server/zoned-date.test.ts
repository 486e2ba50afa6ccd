import { describe, expect, it } from 'vitest';
import { startOfDay } from './zoned-date.server';

describe('startOfDay', () => {
  it('is local midnight in the zone', () => {
    expect(startOfDay('2026-01-15', 'UTC')?.toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(startOfDay('2026-01-15', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-01-14T23:00:00.000Z',
    );
    expect(startOfDay('2026-07-15', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-07-14T22:00:00.000Z',
    );
    expect(startOfDay('2026-01-15', 'America/Chicago')?.toISOString()).toBe(
      '2026-01-15T06:00:00.000Z',
    );
    expect(startOfDay('2026-01-15', 'Asia/Kolkata')?.toISOString()).toBe(
      '2026-01-14T18:30:00.000Z',
    );
  });

  it('handles days that start or end a DST change', () => {
    // Berlin springs forward on 29 March 2026 at 02:00; midnight is still +01:00.
    expect(startOfDay('2026-03-29', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-03-28T23:00:00.000Z',
    );
    expect(startOfDay('2026-03-29', 'Europe/Berlin', true)?.toISOString()).toBe(
      '2026-03-29T22:00:00.000Z',
    );
    // Chicago falls back on 1 November 2026.
    expect(startOfDay('2026-11-01', 'America/Chicago', true)?.toISOString()).toBe(
      '2026-11-02T06:00:00.000Z',
    );
  });

  it('gives the next day for an inclusive end, across month ends', () => {
    expect(startOfDay('2026-01-31', 'UTC', true)?.toISOString()).toBe('2026-02-01T00:00:00.000Z');
  });

  it('refuses what is not a calendar date', () => {
    for (const bad of ['', 'today', '2026-02-30', '2026-13-01', '2026-1-5', '2026-01-15T00:00']) {
      expect(startOfDay(bad, 'UTC'), bad).toBeNull();
    }
  });
});
