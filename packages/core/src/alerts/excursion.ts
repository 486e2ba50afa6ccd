import { scaled } from './compare.js';
import type { AlertRuleInput, RuleCondition } from './rule.js';
import { isScheduleActive } from './schedule.js';

/** One reading of the rule's metric on one device; ts is event time in ms. */
export type Point = { ts: number; value: number };

export type ReadingClass = 'violating' | 'deadband' | 'clear';

/** What excursion tracking needs of a rule (an AlertRule or its input both fit). */
export type ExcursionRule = Pick<
  AlertRuleInput,
  'condition' | 'durationSeconds' | 'deadband' | 'schedule'
>;

/**
 * A stretch of violating readings in event time.
 *
 * - `start`: ts of the first violating reading; `end`: ts of the first clearing reading after
 *   it (null while open). Deadband readings keep an open excursion open.
 * - `lastTs` / `lastViolatingTs`: last reading inside it, last violating reading inside it.
 * - `peak`: worst value seen (highest for above, lowest for below, furthest out for outside).
 * - `alertAt`: `start + duration` once the excursion is known to have lasted that long — a
 *   reading inside it at or after that instant, or its clearing reading at or after it (so an
 *   excursion that lasts exactly the duration qualifies); `start` when the duration is 0; null
 *   for a transient excursion (kept: reports need them) or one still too young.
 * - `dataGap`: see {@link hasDataGap}; only ever true when alertAt is set.
 * - `longestGapMs`: the longest stretch between consecutive readings from `start` to the
 *   clearing reading (or the last one while open). `dataGap` judges only around the alert
 *   instant; readings at 0 and 5 min then a clearing one 6 h later make a 6-hour excursion with
 *   dataGap false and longestGapMs 5 h 55 min, which is what an auditor needs to see.
 */
export type Excursion = {
  start: number;
  end: number | null;
  lastTs: number;
  lastViolatingTs: number;
  peak: number;
  alertAt: number | null;
  dataGap: boolean;
  longestGapMs: number;
};

/** Just the Excursion fields of a richer object (a stored row with id and alert). */
export function toExcursion(e: Excursion): Excursion {
  return {
    start: e.start,
    end: e.end,
    lastTs: e.lastTs,
    lastViolatingTs: e.lastViolatingTs,
    peak: e.peak,
    alertAt: e.alertAt,
    dataGap: e.dataGap,
    longestGapMs: e.longestGapMs,
  };
}

/** Live state of one (device, rule): the open excursion and the newest reading's ts. */
export type ExcursionState = { open: Excursion | null; lastTs: number | null };

export type ExcursionOptions = {
  /**
   * Two readings further apart than this around the alert instant mean nobody saw the
   * condition hold at that instant: the alert rests on the absence of data (`dataGap`).
   */
  maxGapMs: number;
};

/**
 * The data-gap definition shared by every path (live, check, recompute, oracle). For an
 * excursion with duration > 0 that qualifies, let `prev` be the last reading before
 * `start + duration` (it is inside the excursion) and `next` the first reading at or after it
 * (inside or clearing): dataGap ⇔ next − prev > maxGapMs. A QStash check that raises while no
 * `next` exists yet uses now − prev instead, and the arrival of `next` settles it.
 */
export function hasDataGap(prevTs: number, nextTs: number, opts: ExcursionOptions): boolean {
  return nextTs - prevTs > opts.maxGapMs;
}

/** Sorted by ts, one point per ts (the first seen wins, as ingest's ON CONFLICT DO NOTHING). */
export function sortPoints(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a.ts - b.ts);
  return sorted.filter((p, i) => i === 0 || p.ts !== sorted[i - 1]!.ts);
}

function classifyValue(condition: RuleCondition, deadband: number, value: number): ReadingClass {
  const v = scaled(value);
  const d = scaled(deadband);
  switch (condition.kind) {
    case 'above': {
      const t = scaled(condition.threshold);
      if (v > t) return 'violating';
      return v > t - d ? 'deadband' : 'clear';
    }
    case 'below': {
      const t = scaled(condition.threshold);
      if (v < t) return 'violating';
      return v < t + d ? 'deadband' : 'clear';
    }
    case 'outside': {
      const low = scaled(condition.low);
      const high = scaled(condition.high);
      if (v < low || v > high) return 'violating';
      return v < low + d || v > high - d ? 'deadband' : 'clear';
    }
    case 'door_open':
      // Ingest stores doors as 0/1; anything from half-open up counts as open.
      return value >= 0.5 ? 'violating' : 'clear';
  }
}

/**
 * Classifies one reading against a rule. Thresholds are exclusive (above 8 means > 8) and
 * compared at COMPARE_SCALE, so threshold ∓ deadband is the decimal people typed.
 * Outside the rule's schedule every reading is clear, so an excursion ends when the schedule
 * does (at the first reading after it). `deadband` is back within the threshold but not yet
 * beyond threshold ∓ deadband: it keeps an open excursion open and never opens one.
 */
export function classifyReading(rule: ExcursionRule, point: Point, timeZone: string): ReadingClass {
  if (!isScheduleActive(rule.schedule, point.ts, timeZone)) return 'clear';
  return classifyValue(rule.condition, rule.deadband, point.value);
}

/** Positive when `a` is a worse value than `b` under the condition. */
function worse(condition: RuleCondition, a: number, b: number): boolean {
  switch (condition.kind) {
    case 'above':
      return a > b;
    case 'below':
      return a < b;
    case 'outside': {
      const beyond = (v: number) => Math.max(condition.low - v, v - condition.high);
      return beyond(a) > beyond(b);
    }
    case 'door_open':
      return false;
  }
}

/** When the excursion has lasted the rule's duration (the instant its alert is due). */
export function alertDueAt(excursion: Pick<Excursion, 'start'>, rule: ExcursionRule): number {
  return excursion.start + rule.durationSeconds * 1_000;
}

/**
 * The one state machine every path runs: feeds sorted points after `state` and collects what
 * changed. Keeping a single implementation is what makes the live path equal the oracle.
 */
function run(
  rule: ExcursionRule,
  state: ExcursionState,
  sorted: readonly Point[],
  timeZone: string,
  opts: ExcursionOptions,
): {
  changed: Excursion[];
  open: Excursion | null;
  lastTs: number | null;
  raise: Excursion[];
  disqualified: Excursion[];
} {
  const changed: Excursion[] = [];
  const raise: Excursion[] = [];
  let open = state.open === null ? null : { ...state.open };
  if (open) changed.push(open);
  const wasAlerted = new Set<Excursion>();
  if (open && open.alertAt !== null) wasAlerted.add(open);
  let lastTs = state.lastTs;

  for (const p of sorted) {
    lastTs = p.ts;
    const cls = classifyReading(rule, p, timeZone);
    if (open === null) {
      if (cls !== 'violating') continue;
      open = {
        start: p.ts,
        end: null,
        lastTs: p.ts,
        lastViolatingTs: p.ts,
        peak: p.value,
        alertAt: rule.durationSeconds === 0 ? p.ts : null,
        dataGap: false,
        longestGapMs: 0,
      };
      changed.push(open);
      continue;
    }
    // Every reading after the start, the clearing one included, ends an unobserved stretch.
    open.longestGapMs = Math.max(open.longestGapMs, p.ts - open.lastTs);
    const due = alertDueAt(open, rule);
    if (open.lastTs < due && p.ts >= due) {
      // Crossing the alert instant: this reading is `next` of the data-gap definition. It also
      // settles dataGap for an alert a QStash check already raised.
      open.alertAt = due;
      open.dataGap = hasDataGap(open.lastTs, p.ts, opts);
    }
    if (cls === 'clear') {
      if (p.ts < due && open.alertAt !== null) {
        // A QStash check raised it while the device was quiet; this reading shows it ended
        // before lasting the duration. Event time decides: transient (the alert stays raised).
        open.alertAt = null;
        open.dataGap = false;
      }
      open.end = p.ts;
      open = null;
      continue;
    }
    open.lastTs = p.ts;
    if (cls === 'violating') {
      open.lastViolatingTs = p.ts;
      if (worse(rule.condition, p.value, open.peak)) open.peak = p.value;
    }
  }
  for (const e of changed) if (e.alertAt !== null && !wasAlerted.has(e)) raise.push(e);
  const disqualified = changed.filter((e) => e.alertAt === null && wasAlerted.has(e));
  return { changed, open, lastTs, raise, disqualified };
}

/**
 * The offline oracle: every excursion in a complete series, in start order. Points may come in
 * any order and with duplicates. An excursion still open at the end is returned with end null.
 */
export function findExcursions(
  rule: ExcursionRule,
  points: readonly Point[],
  timeZone: string,
  opts: ExcursionOptions,
): Excursion[] {
  return run(rule, { open: null, lastTs: null }, sortPoints(points), timeZone, opts).changed;
}

export type AdvanceResult = {
  /**
   * Changed or new excursions in start order, closed ones included. When `state.open` was set
   * and the batch was not late, the first entry is its continuation (same `start`).
   */
  excursions: Excursion[];
  /** The excursion open after the batch (also in `excursions` when it changed). */
  open: Excursion | null;
  /** Newest reading's ts after the batch: store it with `open` as the next state. */
  lastTs: number | null;
  /**
   * Entries of `excursions` whose alertAt became set in this batch: raise one alert each,
   * guarded by the excursion's alert link (one alert per excursion), because a QStash check may
   * have raised it before late data reset its alertAt.
   */
  raise: Excursion[];
  /**
   * Entries whose alertAt a QStash check had set but whose clearing reading came before the
   * alert instant: transient after all. Their alert stays; note it on the alert's timeline.
   */
  disqualified: Excursion[];
  /** A point was at or before `state.lastTs`: nothing was applied; recompute a window. */
  late: boolean;
};

/**
 * The live path: applies readings newer than `state.lastTs` in event order. A point at or
 * before `state.lastTs` makes the whole batch `late` (nothing applied) so the caller reloads a
 * window (`recomputeWindowStart`) and reconciles; a partial application would double count.
 */
export function advanceExcursions(
  rule: ExcursionRule,
  state: ExcursionState,
  points: readonly Point[],
  timeZone: string,
  opts: ExcursionOptions,
): AdvanceResult {
  const sorted = sortPoints(points);
  const unchanged = {
    excursions: [],
    open: state.open,
    lastTs: state.lastTs,
    raise: [],
    disqualified: [],
  };
  if (sorted.length === 0) return { ...unchanged, late: false };
  if (state.lastTs !== null && sorted[0]!.ts <= state.lastTs) return { ...unchanged, late: true };
  const result = run(rule, state, sorted, timeZone, opts);
  return {
    excursions: result.changed,
    open: result.open,
    lastTs: result.lastTs,
    raise: result.raise,
    disqualified: result.disqualified,
    late: false,
  };
}

/**
 * Recomputes excursions over a reloaded window: `points` must be every stored reading at or
 * after `recomputeWindowStart(…)` (the late ones included). Returns the window's excursions and
 * the live state to continue from; pass the excursions to `reconcileExcursions`.
 */
export function recomputeWindow(
  rule: ExcursionRule,
  points: readonly Point[],
  timeZone: string,
  opts: ExcursionOptions,
): { excursions: Excursion[]; state: ExcursionState } {
  const result = run(rule, { open: null, lastTs: null }, sortPoints(points), timeZone, opts);
  return { excursions: result.changed, state: { open: result.open, lastTs: result.lastTs } };
}
