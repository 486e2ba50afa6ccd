import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  advanceExcursions,
  classifyReading,
  type ExcursionRule,
  findExcursions,
  type Point,
  recomputeWindow,
} from './excursion.js';
import { MemoryExcursionStore } from './testing.js';

const MIN = 60_000;
const T0 = Date.parse('2026-11-23T10:00:00Z');
const TZ = 'Europe/Berlin';
const opts = { maxGapMs: 2 * MIN };
const fridge: ExcursionRule = {
  condition: { kind: 'outside', low: 2, high: 8 },
  durationSeconds: 15 * 60,
  deadband: 0.5,
  schedule: null,
};
/** Points at T0 + minute offsets. */
const series = (pairs: [minute: number, value: number][]): Point[] =>
  pairs.map(([m, value]) => ({ ts: T0 + m * MIN, value }));
const at = (minute: number) => T0 + minute * MIN;

describe('classifyReading', () => {
  const cls = (rule: ExcursionRule, value: number, ts = T0) =>
    classifyReading(rule, { ts, value }, TZ);

  it('uses exclusive thresholds and a deadband on the inside of each bound', () => {
    expect([9, 8.01, 8, 7.6, 7.5, 5, 2.5, 2.4, 2, 1.99].map((v) => cls(fridge, v))).toEqual([
      'violating',
      'violating',
      'deadband',
      'deadband',
      'clear',
      'clear',
      'clear',
      'deadband',
      'deadband',
      'violating',
    ]);
  });

  it('handles above, below and door_open', () => {
    const above = { ...fridge, condition: { kind: 'above', threshold: -15 } } as const;
    expect([-14, -15, -15.5, -16].map((v) => cls({ ...above, deadband: 1 }, v))).toEqual([
      'violating',
      'deadband',
      'deadband',
      'clear',
    ]);
    const below = { ...fridge, deadband: 0, condition: { kind: 'below', threshold: 20 } } as const;
    expect([19.9, 20, 25].map((v) => cls(below, v))).toEqual(['violating', 'clear', 'clear']);
    const door = { ...fridge, deadband: 0, condition: { kind: 'door_open' } } as const;
    expect([1, 0].map((v) => cls(door, v))).toEqual(['violating', 'clear']);
  });

  it('counts readings outside the schedule as clear', () => {
    // Mondays 08:00–18:00 Berlin; T0 is Monday 11:00 Berlin.
    const office = { ...fridge, schedule: { days: [1], start: '08:00', end: '18:00' } };
    expect(cls(office, 9)).toBe('violating');
    expect(cls(office, 9, T0 + 8 * 60 * MIN)).toBe('clear');
  });
});

describe('findExcursions', () => {
  it('the issue’s scenario: 9 °C for 16 minutes under a 15-minute rule → one alert', () => {
    const points = series([
      [0, 5],
      ...Array.from({ length: 16 }, (_, i): [number, number] => [1 + i, 9]),
      [17, 5],
    ]);
    expect(findExcursions(fridge, points, TZ, opts)).toEqual([
      {
        start: at(1),
        end: at(17),
        lastTs: at(16),
        lastViolatingTs: at(16),
        peak: 9,
        alertAt: at(16),
        dataGap: false,
        longestGapMs: MIN,
      },
    ]);
  });

  it('keeps shorter excursions as transient (alertAt null); exactly the duration qualifies', () => {
    const short = findExcursions(
      fridge,
      series([
        [0, 9],
        [14, 9.5],
        [14.99, 5],
      ]),
      TZ,
      opts,
    );
    expect(short).toMatchObject([{ start: at(0), end: at(14.99), peak: 9.5, alertAt: null }]);
    const exact = findExcursions(
      fridge,
      series([
        [0, 9],
        [15, 5],
      ]),
      TZ,
      { maxGapMs: 20 * MIN },
    );
    expect(exact).toMatchObject([{ end: at(15), alertAt: at(15), dataGap: false }]);
  });

  it('sorts, deduplicates (first wins) and ignores arrival order', () => {
    const points = series([
      [3, 5],
      [1, 9],
      [2, 9],
      [1, 1],
      [0, 5],
    ]);
    expect(findExcursions(fridge, points, TZ, opts)).toMatchObject([
      { start: at(1), end: at(3), peak: 9 },
    ]);
  });

  it('deadband readings keep an excursion open but never open one', () => {
    const oscillating = series([
      [0, 7.9], // deadband, nothing open: nothing happens
      [1, 8.3],
      [2, 7.7],
      [3, 8.4],
      [4, 7.6],
      [5, 8.2],
      [6, 7.5], // clear: 8 − 0.5
    ]);
    expect(findExcursions(fridge, oscillating, TZ, opts)).toEqual([
      {
        start: at(1),
        end: at(6),
        lastTs: at(5),
        lastViolatingTs: at(5),
        peak: 8.4,
        alertAt: null,
        dataGap: false,
        longestGapMs: MIN,
      },
    ]);
  });

  it('duration 0 alerts at the first violating reading, even for one reading', () => {
    const instant = { ...fridge, durationSeconds: 0 };
    expect(
      findExcursions(
        instant,
        series([
          [0, 5],
          [1, 9],
          [2, 5],
        ]),
        TZ,
        opts,
      ),
    ).toMatchObject([{ start: at(1), end: at(2), alertAt: at(1), dataGap: false }]);
  });

  it('peak is the value furthest outside the band on either side', () => {
    const both = findExcursions(
      fridge,
      series([
        [0, 9],
        [1, 1.5],
        [2, 0.5],
        [3, 9.4],
        [4, 5],
      ]),
      TZ,
      opts,
    );
    expect(both[0]?.peak).toBe(0.5);
  });

  it('marks a data gap when the alert instant falls in a silence longer than maxGapMs', () => {
    // Readings every minute until 10, silence, still warm at 20: the alert rests on no data.
    const gap = series([
      [0, 9],
      [5, 9],
      [10, 9],
      [20, 9],
      [21, 5],
    ]);
    expect(findExcursions(fridge, gap, TZ, opts)).toMatchObject([
      { start: at(0), end: at(21), alertAt: at(15), dataGap: true },
    ]);
    // The silence ends (clearing reading) after the alert instant: still alerted, on a gap.
    const clearedLate = series([
      [0, 9],
      [10, 9],
      [20, 5],
    ]);
    expect(findExcursions(fridge, clearedLate, TZ, opts)).toMatchObject([
      { end: at(20), alertAt: at(15), dataGap: true },
    ]);
    // A gap elsewhere in the excursion does not count, only the one around the alert instant.
    const earlyGap = series([
      [0, 9],
      [10, 9],
      [14, 9],
      [15.5, 9],
      [16, 5],
    ]);
    expect(findExcursions(fridge, earlyGap, TZ, opts)).toMatchObject([
      { alertAt: at(15), dataGap: false },
    ]);
  });

  it('an open excursion too young to qualify stays pending at the end of the series', () => {
    expect(
      findExcursions(
        fridge,
        series([
          [0, 9],
          [10, 9],
        ]),
        TZ,
        opts,
      ),
    ).toMatchObject([{ start: at(0), end: null, lastTs: at(10), alertAt: null }]);
  });

  it('the schedule ending closes an excursion at the first reading after it', () => {
    // T0 is Monday 11:00 Berlin; the rule is active until 11:10.
    const morning = { ...fridge, schedule: { days: [1], start: '08:00', end: '11:10' } };
    expect(
      findExcursions(
        morning,
        series([
          [0, 9],
          [9, 9],
          [10, 9],
          [11, 9],
        ]),
        TZ,
        opts,
      ),
    ).toEqual([expect.objectContaining({ start: at(0), end: at(10), alertAt: null })]);
  });
});

describe('advanceExcursions', () => {
  it('carries an open excursion across batches and raises once when it qualifies', () => {
    let state = { open: null, lastTs: null } as Parameters<typeof advanceExcursions>[1];
    const first = advanceExcursions(
      fridge,
      state,
      series([
        [0, 5],
        [1, 9],
      ]),
      TZ,
      opts,
    );
    expect(first).toMatchObject({ late: false, raise: [], open: { start: at(1) } });
    state = { open: first.open, lastTs: first.lastTs };
    const second = advanceExcursions(
      fridge,
      state,
      series([
        [10, 9],
        [16, 9.2],
      ]),
      TZ,
      {
        maxGapMs: 10 * MIN,
      },
    );
    expect(second.excursions).toHaveLength(1);
    expect(second.raise).toEqual([second.open]);
    expect(second.open).toMatchObject({ start: at(1), alertAt: at(16), peak: 9.2 });
    state = { open: second.open, lastTs: second.lastTs };
    const third = advanceExcursions(
      fridge,
      state,
      series([
        [17, 9],
        [18, 5],
        [19, 9],
      ]),
      TZ,
      opts,
    );
    expect(third.raise).toEqual([]); // already alerted
    expect(third.excursions.map((e) => [e.start, e.end])).toEqual([
      [at(1), at(18)],
      [at(19), null],
    ]);
    expect(third.lastTs).toBe(at(19));
  });

  it('refuses the whole batch as late when any point is at or before lastTs', () => {
    const state = { open: null, lastTs: at(5) };
    for (const late of [
      series([
        [6, 9],
        [5, 9],
      ]),
      series([[4, 5]]),
    ]) {
      expect(advanceExcursions(fridge, state, late, TZ, opts)).toEqual({
        excursions: [],
        open: null,
        lastTs: at(5),
        raise: [],
        disqualified: [],
        late: true,
      });
    }
  });

  it('does not mutate the state it is given', () => {
    const open = findExcursions(fridge, series([[0, 9]]), TZ, opts)[0]!;
    const copy = { ...open };
    advanceExcursions(fridge, { open, lastTs: open.lastTs }, series([[20, 9]]), TZ, opts);
    expect(open).toEqual(copy);
  });

  it('recomputeWindow gives the excursions and the state to continue from', () => {
    const { excursions, state } = recomputeWindow(
      fridge,
      series([
        [2, 9],
        [1, 5],
        [3, 9],
      ]),
      TZ,
      opts,
    );
    expect(excursions).toHaveLength(1);
    expect(state).toEqual({ open: excursions[0], lastTs: at(3) });
  });
});

describe('the issue’s scenario through the storage loop', () => {
  // 10-second readings: 5 °C, then 9 °C for exactly 16 minutes, then 5 °C again.
  const start = at(10);
  const end = start + 16 * MIN;
  const readings: Point[] = [];
  for (let ts = T0; ts < end + 10 * MIN; ts += 10_000) {
    readings.push({ ts, value: ts >= start && ts < end ? 9 : 5 });
  }
  const expected = { start, end, alertAt: start + 15 * MIN, dataGap: false };

  it('live: one alert, raised when the 15th minute is reached', () => {
    const store = new MemoryExcursionStore(fridge, TZ, opts);
    for (const p of readings) {
      store.ingest([p], p.ts + 500);
      store.runChecks(p.ts + 500);
    }
    expect(store.list()).toMatchObject([expected]);
    expect(store.alerts).toHaveLength(1);
    expect(store.alerts[0]).toMatchObject({ retrospective: false, dataGap: false });
    expect(store.alerts[0]!.raisedAt).toBeLessThanOrEqual(expected.alertAt + 500);
  });

  it('one backfill after a silence: one retrospective alert with the true start and end', () => {
    const store = new MemoryExcursionStore(fridge, TZ, opts);
    const before = readings.filter((p) => p.ts < start - MIN);
    for (const p of before) store.ingest([p], p.ts + 500);
    const backfillAt = readings.at(-1)!.ts + MIN;
    store.runChecks(backfillAt); // nothing open during the silence: nothing to check
    store.ingest(readings.slice(before.length), backfillAt);
    expect(store.list()).toMatchObject([expected]);
    expect(store.alerts).toEqual([expect.objectContaining({ retrospective: true })]);
  });

  it('late backfill behind newer readings: the same one alert, via recompute', () => {
    const store = new MemoryExcursionStore(fridge, TZ, opts);
    const buffered = readings.filter((p) => p.ts >= start - MIN && p.ts < end + MIN);
    const live = readings.filter((p) => !buffered.includes(p));
    for (const p of live) store.ingest([p], p.ts + 500);
    store.ingest([...buffered].reverse(), readings.at(-1)!.ts + MIN);
    expect(store.list()).toMatchObject([expected]);
    expect(store.alerts).toEqual([
      expect.objectContaining({ via: 'reconcile', retrospective: true }),
    ]);
  });
});

describe('the longest unobserved stretch (#22)', () => {
  it('readings at 0 and 5 min, clearing 6 h later: dataGap false, longest gap 5 h 55 min', () => {
    // A 5-minute device (gap limit 15 min) under a 5-minute rule.
    const rule = { ...fridge, durationSeconds: 300 };
    const points = series([
      [0, 9],
      [5, 9],
      [360, 5],
    ]);
    expect(findExcursions(rule, points, TZ, { maxGapMs: 15 * MIN })).toMatchObject([
      { start: at(0), end: at(360), dataGap: false, longestGapMs: 355 * MIN },
    ]);
  });

  it('property: the longest gap is the widest step between the readings from start to end', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({ m: fc.integer({ min: 0, max: 600 }), v: fc.constantFrom(1, 5, 7.8, 9) }),
          { selector: (p) => p.m, maxLength: 60 },
        ),
        (raw) => {
          const points = series(raw.map((p): [number, number] => [p.m, p.v]));
          const sorted = [...points].sort((a, b) => a.ts - b.ts);
          for (const e of findExcursions(fridge, points, TZ, opts)) {
            const inside = sorted.filter((p) => p.ts >= e.start && p.ts <= (e.end ?? e.lastTs));
            const steps = inside.slice(1).map((p, i) => p.ts - inside[i]!.ts);
            expect(e.longestGapMs).toBe(Math.max(0, ...steps));
          }
        },
      ),
    );
  });
});
