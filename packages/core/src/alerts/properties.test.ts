import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMPARE_SCALE } from './compare.js';
import {
  alertDueAt,
  type Excursion,
  type ExcursionOptions,
  type ExcursionRule,
  findExcursions,
  type Point,
} from './excursion.js';
import { RULE_PRESETS } from './presets.js';
import type { StoredExcursion } from './reconcile.js';
import { isScheduleActive, type RuleSchedule } from './schedule.js';
import {
  type Arrival,
  generateScenario,
  MemoryExcursionStore,
  scoreAgainstOracle,
  storedForScoring,
} from './testing.js';

const STEP = 60_000;
// Saturday before the EU spring-forward night: schedules in Berlin cross a DST change.
const T0 = Date.parse('2026-03-28T20:00:00Z');
const TZ = 'Europe/Berlin';

/** Values chosen to hit every class of the 2–8 °C / deadband 0.5 rule often. */
const VALUE = fc.constantFrom(5, 6, 7.8, 8, 8.5, 10, 2.2, 1);
const SCHEDULES: (RuleSchedule | null)[] = [
  null,
  { days: [6], start: '21:30', end: '23:00' },
  { days: [0, 6], start: '22:00', end: '03:30' },
  { days: [0], start: '02:30', end: '02:30' },
];

const ruleArb: fc.Arbitrary<ExcursionRule> = fc.record({
  condition: fc.constant({ kind: 'outside' as const, low: 2, high: 8 }),
  durationSeconds: fc.constantFrom(0, 60, 180, 300, 600),
  deadband: fc.constantFrom(0, 0.5),
  schedule: fc.constantFrom(...SCHEDULES),
});

/** A device series with dropouts: gaps are mostly one step, sometimes many. */
const seriesArb = fc
  .array(
    fc.record({
      gap: fc.oneof(
        { weight: 8, arbitrary: fc.constant(1) },
        { weight: 2, arbitrary: fc.integer({ min: 2, max: 12 }) },
      ),
      value: VALUE,
    }),
    { minLength: 1, maxLength: 70 },
  )
  .map((steps) => {
    let ts = T0;
    return steps.map(({ gap, value }) => {
      ts += gap * STEP;
      return { ts, value };
    });
  });

/** How each reading travels: on time, a little late, very late (backfill), maybe twice. */
const deliveryArb = fc.record({
  delay: fc.oneof(
    { weight: 7, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 5 }) },
    { weight: 1, arbitrary: fc.integer({ min: 6, max: 90 }) },
  ),
  duplicateDelay: fc.option(fc.integer({ min: 0, max: 30 }), { freq: 10 }),
});

const scenarioArb = fc
  .record({
    rule: ruleArb,
    maxGapMs: fc.constantFrom(90_000, 150_000, 600_000),
    points: seriesArb,
    deliveries: fc.array(deliveryArb, { minLength: 70, maxLength: 70 }),
    batchSizes: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 20 }),
  })
  .map(({ rule, maxGapMs, points, deliveries, batchSizes }) => ({
    rule,
    opts: { maxGapMs },
    points,
    arrivals: toArrivals(points, deliveries, batchSizes),
  }));

/** Orders readings by arrival time, then groups consecutive arrivals into posts. */
function toArrivals(
  points: Point[],
  deliveries: { delay: number; duplicateDelay: number | null }[],
  batchSizes: number[],
): Arrival[] {
  const sends: { at: number; point: Point }[] = [];
  points.forEach((point, i) => {
    const d = deliveries[i % deliveries.length]!;
    sends.push({ at: point.ts + d.delay * STEP + 1, point });
    if (d.duplicateDelay !== null)
      sends.push({ at: point.ts + d.duplicateDelay * STEP + 2, point });
  });
  sends.sort((a, b) => a.at - b.at);
  const arrivals: Arrival[] = [];
  for (let i = 0, b = 0; i < sends.length; b++) {
    const size = batchSizes[b % batchSizes.length]!;
    const batch = sends.slice(i, i + size);
    arrivals.push({ atMs: batch.at(-1)!.at, points: batch.map((s) => s.point) });
    i += size;
  }
  return arrivals;
}

const strip = ({ id: _id, alertId: _alertId, ...e }: StoredExcursion): Excursion => e;

function replay(
  rule: ExcursionRule,
  arrivals: Arrival[],
  opts: ExcursionOptions,
  withChecks: boolean,
) {
  const store = new MemoryExcursionStore(rule, TZ, opts);
  for (const a of arrivals) {
    if (withChecks) store.runChecks(a.atMs);
    store.ingest(a.points, a.atMs);
  }
  return store;
}

/**
 * The alert accounting the bench's correctness run prints, as assertions: every qualifying
 * excursion has exactly one alert (none missed, none duplicated); every other alert was
 * justified by the readings known when it was raised and has since been reported disqualified
 * by the core, or is a due-check alert on the still-open last excursion.
 */
function expectAlertAccounting(
  store: MemoryExcursionStore,
  oracle: Excursion[],
  rule: ExcursionRule,
  opts: ExcursionOptions,
) {
  const score = scoreAgainstOracle(oracle, storedForScoring(store));
  expect(score).toMatchObject({ missed: 0, duplicated: 0, wrongBoundaries: 0 });
  const stored = store.list();
  const alerted = stored.filter((e) => e.alertId !== null);
  expect(store.alerts).toHaveLength(score.qualifying + score.extra);
  expect(new Set(alerted.map((e) => e.alertId)).size).toBe(alerted.length);
  expect(store.alerts).toHaveLength(alerted.length);
  expect(store.links).toEqual([]); // a merge needs a clearing reading to vanish: impossible here
  stored.forEach((e, i) => {
    const truth = oracle[i]!;
    if (truth.alertAt !== null) {
      expect(e.alertId).not.toBeNull();
      return;
    }
    if (e.alertId === null) return;
    const alert = store.alerts.find((a) => a.id === e.alertId)!;
    const tailCheck = alert.via === 'check' && e.end === null && !alert.disqualified;
    expect(alert.disqualified || tailCheck).toBe(true);
  });
  for (const alert of store.alerts) {
    const then = findExcursions(rule, alert.knownAtRaise, TZ, opts).find(
      (e) => e.start === alert.excursionAtRaise.start,
    );
    if (alert.via === 'check') {
      expect(then?.end).toBeNull();
      expect(alert.raisedAt).toBeGreaterThanOrEqual(alertDueAt(alert.excursionAtRaise, rule));
    } else {
      expect(then?.alertAt).not.toBeNull();
    }
  }
}

describe('excursions: live path with late data equals the offline oracle', () => {
  it('order independence: any arrival order, batching, duplicates and backfills (no checks)', () => {
    fc.assert(
      fc.property(scenarioArb, ({ rule, opts, points, arrivals }) => {
        const oracle = findExcursions(rule, points, TZ, opts);
        const store = replay(rule, arrivals, opts, false);
        expect(store.list().map(strip)).toEqual(oracle);
        expectAlertAccounting(store, oracle, rule, opts);
        expect(store.suppressedRaises).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('in order (any batching, incl. one backfill post): alerts == qualifying excursions exactly', () => {
    const inOrder = fc.record({
      rule: ruleArb,
      maxGapMs: fc.constantFrom(90_000, 150_000, 600_000),
      points: seriesArb,
      batchSizes: fc.array(fc.integer({ min: 1, max: 70 }), { minLength: 1, maxLength: 10 }),
    });
    fc.assert(
      fc.property(inOrder, ({ rule, maxGapMs, points, batchSizes }) => {
        const opts = { maxGapMs };
        const onTime = [{ delay: 0, duplicateDelay: null }];
        const store = replay(rule, toArrivals(points, onTime, batchSizes), opts, false);
        const oracle = findExcursions(rule, points, TZ, opts);
        expect(store.list().map(strip)).toEqual(oracle);
        expect(store.alerts).toHaveLength(oracle.filter((e) => e.alertAt !== null).length);
        expect(store.alerts.every((a) => !a.disqualified && a.via === 'ingest')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('with QStash due checks: none missed, none duplicated, every extra alert accounted for', () => {
    fc.assert(
      fc.property(scenarioArb, ({ rule, opts, points, arrivals }) => {
        const oracle = findExcursions(rule, points, TZ, opts);
        const store = replay(rule, arrivals, opts, true);
        const stored = store.list().map(strip);
        expect(stored.map((e) => [e.start, e.end, e.lastTs, e.peak])).toEqual(
          oracle.map((e) => [e.start, e.end, e.lastTs, e.peak]),
        );
        // Only the open tail may still carry a check's provisional alertAt.
        const settled = (list: Excursion[]) => list.filter((e) => e.end !== null);
        expect(settled(stored)).toEqual(settled(oracle));
        expectAlertAccounting(store, oracle, rule, opts);
      }),
      { numRuns: 300 },
    );
  });

  it('seeded scenarios (the bench’s generator): same excursions as the oracle, one alert each', () => {
    const rule = RULE_PRESETS.find((p) => p.id === 'pharma_refrigerated')!.rule;
    const opts = { maxGapMs: 60_000 };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        (seed, maxBatch, withChecks) => {
          const scenario = generateScenario(seed, {
            maxBatch,
            lateShare: 0.1,
            duplicateShare: 0.1,
          });
          const oracle = findExcursions(rule, scenario.readings, TZ, opts);
          const store = replay(rule, scenario.arrivals, opts, withChecks);
          expect(
            store
              .list()
              .map(strip)
              .filter((e) => e.end !== null),
          ).toEqual(oracle.filter((e) => e.end !== null));
          expectAlertAccounting(store, oracle, rule, opts);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('generateScenario is deterministic per seed and scripts what it says', () => {
    const a = generateScenario(7, { durationMs: 6 * 3_600_000 });
    expect(generateScenario(7, { durationMs: 6 * 3_600_000 })).toEqual(a);
    expect(generateScenario(8, { durationMs: 6 * 3_600_000 })).not.toEqual(a);
    const kinds = new Set(a.events.map((e) => e.kind));
    expect(kinds).toEqual(new Set(['excursion', 'oscillation', 'dropout', 'backfill']));
    const arrived = new Set(a.arrivals.flatMap((x) => x.points.map((p) => p.ts)));
    expect(arrived).toEqual(new Set(a.readings.map((p) => p.ts)));
    expect(a.arrivals.map((x) => x.atMs)).toEqual(
      [...a.arrivals.map((x) => x.atMs)].sort((x, y) => x - y),
    );
  });
});

describe('excursion properties', () => {
  const fridge: ExcursionRule = {
    condition: { kind: 'outside', low: 2, high: 8 },
    durationSeconds: 300,
    deadband: 0.5,
    schedule: null,
  };
  const opts = { maxGapMs: 150_000 };
  const at = (values: number[]) => values.map((value, i) => ({ ts: T0 + i * STEP, value }));
  // Bounds compare at COMPARE_SCALE (10⁻⁶): a value within half a millionth of one is on it.
  const u = 1 / COMPARE_SCALE;
  const inDeadband = fc.oneof(
    fc.double({ min: 7.5 + u, max: 8, noNaN: true }),
    fc.double({ min: 2, max: 2.5 - u, noNaN: true }),
  );
  const violating = fc.oneof(
    fc.double({ min: 8 + u, max: 40, noNaN: true }),
    fc.double({ min: -20, max: 2 - u, noNaN: true }),
  );

  it('deadband: oscillation inside the deadband never closes or reopens an excursion', () => {
    fc.assert(
      fc.property(
        violating,
        fc.array(fc.oneof(inDeadband, violating), { maxLength: 60 }),
        (first, rest) => {
          const excursions = findExcursions(fridge, at([first, ...rest]), TZ, opts);
          expect(excursions).toHaveLength(1);
          expect(excursions[0]).toMatchObject({ start: T0, end: null });
          const closed = findExcursions(fridge, at([first, ...rest, 5]), TZ, opts);
          expect(closed).toMatchObject([{ start: T0, end: T0 + (rest.length + 1) * STEP }]);
        },
      ),
    );
  });

  it('deadband: readings in the deadband alone never open an excursion', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(inDeadband, fc.constant(5)), { maxLength: 60 }), (values) => {
        expect(findExcursions(fridge, at(values), TZ, opts)).toEqual([]);
      }),
    );
  });

  it('duration 0: every excursion alerts at its first violating reading', () => {
    fc.assert(
      fc.property(seriesArb, (points) => {
        const instant = { ...fridge, durationSeconds: 0 };
        const excursions = findExcursions(instant, points, TZ, opts);
        for (const e of excursions) expect(e).toMatchObject({ alertAt: e.start, dataGap: false });
        // One excursion per run of readings that starts violating after a clear one.
        const classes = points.map((p) =>
          p.value > 8 || p.value < 2 ? 'v' : p.value > 7.5 || p.value < 2.5 ? 'd' : 'c',
        );
        let opened = 0;
        let open = false;
        for (const c of classes) {
          if (!open && c === 'v') [opened, open] = [opened + 1, true];
          else if (open && c === 'c') open = false;
        }
        expect(excursions).toHaveLength(opened);
      }),
    );
  });

  it('alertAt is start + duration exactly when a reading or the close comes at or after it', () => {
    fc.assert(
      fc.property(ruleArb, seriesArb, (rule, points) => {
        const plain = { ...rule, schedule: null };
        for (const e of findExcursions(plain, points, TZ, opts)) {
          const due = e.start + plain.durationSeconds * 1_000;
          const reached = e.lastTs >= due || (e.end !== null && e.end >= due);
          expect(e.alertAt).toBe(reached ? due : null);
          expect(e.lastViolatingTs).toBeLessThanOrEqual(e.lastTs);
          if (e.end !== null) expect(e.end).toBeGreaterThan(e.lastTs);
        }
      }),
    );
  });
});

describe('schedules against an independent DST reference', () => {
  /** Last Sunday of a month at 01:00 UTC (EU switch instant). */
  const lastSundayUtc = (year: number, month: number) => {
    const d = new Date(Date.UTC(year, month + 1, 0, 1));
    d.setUTCDate(d.getUTCDate() - d.getUTCDay());
    return d.getTime();
  };
  /** n-th Sunday of a month at a UTC hour (US switch instants: 2:00 local). */
  const nthSundayUtc = (year: number, month: number, n: number, hourUtc: number) => {
    const d = new Date(Date.UTC(year, month, 1, hourUtc));
    d.setUTCDate(1 + ((7 - d.getUTCDay()) % 7) + (n - 1) * 7);
    return d.getTime();
  };
  const offsets: Record<string, (ts: number) => number> = {
    'Europe/Berlin': (ts) => {
      const y = new Date(ts).getUTCFullYear();
      return ts >= lastSundayUtc(y, 2) && ts < lastSundayUtc(y, 9) ? 2 : 1;
    },
    'America/New_York': (ts) => {
      const y = new Date(ts).getUTCFullYear();
      return ts >= nthSundayUtc(y, 2, 2, 7) && ts < nthSundayUtc(y, 10, 1, 6) ? -4 : -5;
    },
  };

  /** Active iff local wall-clock minute lies in [day + start, day + start + length) of a listed day. */
  function reference(s: RuleSchedule, ts: number, tz: string): boolean {
    const localMinute = Math.floor((ts + offsets[tz]!(ts) * 3_600_000) / 60_000);
    const mins = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
    const start = mins(s.start);
    const length = (mins(s.end) - start + 1440) % 1440 || 1440;
    const today = Math.floor(localMinute / 1440);
    return [today, today - 1].some((day) => {
      const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday
      const from = day * 1440 + start;
      return s.days.includes(weekday) && localMinute >= from && localMinute < from + length;
    });
  }

  const hhmm = fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 59))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
  const scheduleArb = fc.record({
    days: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
    start: hhmm,
    end: hhmm,
  });
  // Instants clustered around the 2025–2027 switches so the odd hours get hit often.
  const switches = [2025, 2026, 2027].flatMap((y) => [
    lastSundayUtc(y, 2),
    lastSundayUtc(y, 9),
    nthSundayUtc(y, 2, 2, 7),
    nthSundayUtc(y, 10, 1, 6),
  ]);
  const instant = fc
    .tuple(fc.constantFrom(...switches), fc.integer({ min: -36 * 60, max: 36 * 60 }))
    .map(([s, minutes]) => s + minutes * 60_000);

  it('agrees with the reference in Berlin and New York, including midnight-spanning windows', () => {
    fc.assert(
      fc.property(
        scheduleArb,
        instant,
        fc.constantFrom('Europe/Berlin', 'America/New_York'),
        (s, ts, tz) => {
          expect(isScheduleActive(s, ts, tz)).toBe(reference(s, ts, tz));
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('scoreAgainstOracle', () => {
  const e = (start: number, end: number | null, alertAt: number | null): Excursion => ({
    start,
    end,
    lastTs: start,
    lastViolatingTs: start,
    peak: 9,
    alertAt,
    dataGap: false,
    longestGapMs: 0,
  });

  it('counts missed, duplicated, wrong boundaries and extra alerts', () => {
    const oracle = [e(0, 10, 5), e(20, 30, 25), e(40, 50, null), e(60, 70, 65), e(80, 90, 85)];
    const stored = [
      { start: 0, end: 10, alerts: 1 },
      { start: 20, end: 30, alerts: 0 }, // missed
      { start: 40, end: 50, alerts: 1 }, // extra
      { start: 60, end: 75, alerts: 2 }, // wrong end, duplicated
      // 80 absent: missed and wrong
    ];
    expect(scoreAgainstOracle(oracle, stored)).toEqual({
      qualifying: 4,
      missed: 2,
      duplicated: 1,
      wrongBoundaries: 2,
      extra: 1,
    });
  });
});
