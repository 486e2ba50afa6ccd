import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysInMonth, MAX_DATE_MS, parseIngestBody, readEventTime } from './ingest-body.js';

const NOW = 1_780_315_200_000; // 2026-06-01T12:00:00Z
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The calendar, written from its rules and independent of the code: Date.UTC's own view. */
const isRealDate = (y: number, m: number, d: number) => {
  const probe = new Date(Date.UTC(2000, m - 1, d));
  probe.setUTCFullYear(y);
  return probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
};

describe('impossible calendar dates (#22 item 4)', () => {
  it.each([
    '2026-02-30T12:00:00Z',
    '2026-02-29T12:00:00Z',
    '2026-04-31T12:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-05-00T00:00:00Z',
    '2026-05-10T24:00:00Z',
    '2026-05-10T23:60:00Z',
    '2026-05-10T23:59:60Z',
  ])('refuses %s as impossible_date, alone in its batch', (ts) => {
    const body = JSON.stringify({
      readings: [
        { ts, temperature: 5 },
        { ts: NOW, temperature: 4 },
      ],
    });
    const parsed = parseIngestBody(body, NOW);
    expect(parsed.rejected).toEqual([
      { index: 0, code: 'impossible_date', detail: expect.stringContaining('not a calendar date') },
    ]);
    expect(parsed.rows).toEqual([{ metric: 'temperature', ts: NOW, value: 4, seq: null }]);
  });

  it('keeps the real leap day and month ends', () => {
    expect(readEventTime('2028-02-29T12:00:00Z')).toEqual({ ts: Date.UTC(2028, 1, 29, 12) });
    expect(readEventTime('2000-02-29T00:00:00Z')).toEqual({ ts: Date.UTC(2000, 1, 29) });
    expect(readEventTime('1900-02-29T00:00:00Z')).toMatchObject({ code: 'impossible_date' });
    expect(readEventTime('2026-04-30T23:59:59+02:00')).toEqual({
      ts: Date.UTC(2026, 3, 30, 21, 59, 59),
    });
  });

  it('property: a date is accepted exactly when the calendar has it, never moved', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        (y, m, d, hh, mm, ss) => {
          const text = `${pad(y, 4)}-${pad(m)}-${pad(d)}T${pad(hh)}:${pad(mm)}:${pad(ss)}Z`;
          const result = readEventTime(text);
          const real = m >= 1 && m <= 12 && isRealDate(y, m, d) && hh < 24 && mm < 60 && ss < 60;
          if (!real) {
            expect(result).toMatchObject({ code: 'impossible_date' });
            return;
          }
          expect(result).toHaveProperty('ts');
          const back = new Date((result as { ts: number }).ts);
          expect([
            back.getUTCFullYear(),
            back.getUTCMonth() + 1,
            back.getUTCDate(),
            back.getUTCHours(),
            back.getUTCMinutes(),
            back.getUTCSeconds(),
          ]).toEqual([y, m, d, hh, mm, ss]);
          expect(daysInMonth(y, m)).toBeGreaterThanOrEqual(d);
        },
      ),
      { numRuns: 5_000 },
    );
  });
});

describe('timestamps beyond Date (#22 item 6)', () => {
  it.each([1e16, 1e20, MAX_DATE_MS + 1, Number.MAX_VALUE])('refuses ts %d alone', (ts) => {
    const body = `{"readings":[{"ts":${ts},"temperature":4},{"ts":${NOW},"temperature":4}]}`;
    const parsed = parseIngestBody(body, NOW);
    expect(parsed.rejected).toEqual([
      { index: 0, code: 'timestamp_out_of_range', detail: expect.stringContaining('beyond') },
    ]);
    expect(parsed.rows).toHaveLength(1);
  });

  it('keeps the default limits: 5 min of clock skew, 365 days of age', () => {
    const at = (ts: number) => parseIngestBody(`{"readings":[{"ts":${ts},"temperature":4}]}`, NOW);
    expect(at(NOW + 5 * 60_000).rows).toHaveLength(1);
    expect(at(NOW + 5 * 60_000 + 1).rejected[0]?.code).toBe('future_timestamp');
    expect(at(NOW - 365 * 86_400_000).rows).toHaveLength(1);
    expect(at(NOW - 365 * 86_400_000 - 1).rejected[0]?.code).toBe('too_old');
  });

  it('accepts a batch of exactly 1,000 readings', () => {
    const readings = Array.from({ length: 1_000 }, (_, i) => ({ ts: NOW - i, temperature: 4 }));
    expect(parseIngestBody(JSON.stringify({ readings }), NOW).rows).toHaveLength(1_000);
  });

  it('property: any ts of any shape is an accepted time or that reading’s refusal', () => {
    const ts = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.constantFrom(1e16, 1e20, -1, 0, MAX_DATE_MS, MAX_DATE_MS + 1, 1e11 - 1, 1e11),
      fc.string(),
      fc
        .date({ noInvalidDate: false })
        .map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(ts, (t) => {
        const body = JSON.stringify({
          readings: [
            { ts: t, temperature: 4 },
            { ts: NOW, humidity: 50 },
          ],
        });
        const parsed = parseIngestBody(body, NOW);
        expect(parsed.rows).toContainEqual({ metric: 'humidity', ts: NOW, value: 50, seq: null });
        for (const row of parsed.rows) {
          expect(Math.abs(NOW - row.ts)).toBeLessThanOrEqual(365 * 86_400_000);
        }
        expect(parsed.rejected.every((r) => r.index === 0)).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });
});
