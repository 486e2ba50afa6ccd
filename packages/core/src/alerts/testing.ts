/**
 * Test helpers for alerting: seeded device series with scripted excursions, dropouts, late posts,
 * duplicates and backfills (`generateScenario`), and an in-memory reference of the storage loop
 * a caller runs around the core functions (`MemoryExcursionStore`). Not exported from the package
 * root, so Workers never bundle it; import it from `@anythingiot/core/alerts/testing`.
 */
import { applyDueDecision, checkDue } from './due.js';
import {
  advanceExcursions,
  alertDueAt,
  type Excursion,
  type ExcursionOptions,
  type ExcursionRule,
  type Point,
  recomputeWindow,
} from './excursion.js';
import {
  inRecomputeWindow,
  recomputeWindowStart,
  reconcileExcursions,
  type StoredExcursion,
} from './reconcile.js';

/** mulberry32: tiny, fast and good enough to script test data; deterministic per seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type ScenarioOptions = {
  startMs: number;
  durationMs: number;
  intervalMs: number;
  /** In-range level and its noise (± noise, uniform). */
  baseline: number;
  noise: number;
  /** Scripted excursions per hour: a plateau in `excursionValue` lasting 1…maxExcursionMs. */
  excursionsPerHour: number;
  excursionValue: readonly [number, number];
  maxExcursionMs: number;
  /** Share of scripted excursions that oscillate across the threshold between these values. */
  oscillationShare: number;
  oscillation: readonly [number, number];
  /** Device silences per hour (1…maxDropoutMs); `backfillShare` of them are buffered and resent. */
  dropoutsPerHour: number;
  maxDropoutMs: number;
  backfillShare: number;
  /** Share of posts delayed by up to maxLateMs (arrive after newer posts), and re-sent posts. */
  lateShare: number;
  maxLateMs: number;
  duplicateShare: number;
  /** Readings per post, 1…maxBatch (devices that buffer a few readings per request). */
  maxBatch: number;
};

/** Defaults fit the pharma 2–8 °C preset: baseline 5 °C, excursions at 9–11 °C. */
export const DEFAULT_SCENARIO: ScenarioOptions = {
  startMs: Date.parse('2026-03-28T22:00:00Z'),
  durationMs: 3_600_000,
  intervalMs: 10_000,
  baseline: 5,
  noise: 0.5,
  excursionsPerHour: 3,
  excursionValue: [9, 11],
  maxExcursionMs: 30 * 60_000,
  oscillationShare: 0.25,
  oscillation: [7.7, 8.3],
  dropoutsPerHour: 1,
  maxDropoutMs: 20 * 60_000,
  backfillShare: 0.5,
  lateShare: 0.03,
  maxLateMs: 5 * 60_000,
  duplicateShare: 0.03,
  maxBatch: 1,
};

export type ScriptedEvent = {
  kind: 'excursion' | 'oscillation' | 'dropout' | 'backfill';
  start: number;
  end: number;
};

export type Arrival = { atMs: number; points: Point[] };

export type Scenario = {
  seed: number;
  /** Every reading that ever reaches storage, sorted and unique by ts: the oracle's input. */
  readings: Point[];
  /** Posts in arrival (wall-clock) order, with late ones, duplicates and backfills. */
  arrivals: Arrival[];
  /** What was scripted, for debugging; the oracle over `readings` is the truth. */
  events: ScriptedEvent[];
};

/** A random device series with scripted excursions, dropouts and backfills, fixed by `seed`. */
export function generateScenario(seed: number, options: Partial<ScenarioOptions> = {}): Scenario {
  const o = { ...DEFAULT_SCENARIO, ...options };
  const rand = seededRandom(seed);
  const between = (lo: number, hi: number) => lo + (hi - lo) * rand();
  const hours = o.durationMs / 3_600_000;
  const end = o.startMs + o.durationMs;
  const events: ScriptedEvent[] = [];
  const place = (count: number, maxMs: number, kind: () => ScriptedEvent['kind']) => {
    for (let i = 0; i < count; i++) {
      const start = o.startMs + Math.floor(rand() * o.durationMs);
      events.push({ kind: kind(), start, end: start + Math.ceil(between(60_000, maxMs)) });
    }
  };
  place(Math.round(o.excursionsPerHour * hours), o.maxExcursionMs, () =>
    rand() < o.oscillationShare ? 'oscillation' : 'excursion',
  );
  place(Math.round(o.dropoutsPerHour * hours), o.maxDropoutMs, () =>
    rand() < o.backfillShare ? 'backfill' : 'dropout',
  );
  const active = (ts: number, kinds: ScriptedEvent['kind'][]) =>
    events.find((e) => kinds.includes(e.kind) && e.start <= ts && ts < e.end);

  const readings: Point[] = [];
  const arrivals: Arrival[] = [];
  let pending: Point[] = [];
  let batchTarget = 1;
  const backfills = new Map<ScriptedEvent, Point[]>();
  let step = 0;
  for (let ts = o.startMs; ts < end; ts += o.intervalMs) {
    step++;
    const plateau = active(ts, ['excursion', 'oscillation']);
    const value =
      plateau?.kind === 'excursion'
        ? between(o.excursionValue[0], o.excursionValue[1])
        : plateau?.kind === 'oscillation'
          ? o.oscillation[step % 2]!
          : o.baseline + between(-o.noise, o.noise);
    const point = { ts, value: Math.round(value * 100) / 100 };
    const silence = active(ts, ['dropout', 'backfill']);
    if (silence?.kind === 'dropout') continue;
    readings.push(point);
    if (silence) {
      backfills.set(silence, [...(backfills.get(silence) ?? []), point]);
      continue;
    }
    pending.push(point);
    if (pending.length < batchTarget) continue;
    const late = rand() < o.lateShare ? between(o.intervalMs, o.maxLateMs) : 0;
    arrivals.push({ atMs: ts + between(50, 1_500) + late, points: pending });
    if (rand() < o.duplicateShare) {
      arrivals.push({ atMs: ts + between(2_000, o.maxLateMs), points: pending });
    }
    pending = [];
    batchTarget = 1 + Math.floor(rand() * o.maxBatch);
  }
  if (pending.length > 0) arrivals.push({ atMs: end, points: pending });
  for (const [silence, points] of backfills) {
    // The device reconnects after the silence and sends its buffer in one post.
    arrivals.push({ atMs: Math.max(silence.end, end) + between(1_000, 60_000), points });
  }
  arrivals.sort((a, b) => a.atMs - b.atMs);
  events.sort((a, b) => a.start - b.start);
  return { seed, readings, arrivals, events };
}

export type MemoryAlert = {
  id: string;
  excursionId: string;
  /** Wall-clock ms when it was raised. */
  raisedAt: number;
  via: 'ingest' | 'check' | 'reconcile';
  retrospective: boolean;
  dataGap: boolean;
  /** The excursion as stored when the alert was raised, and the readings known then. */
  excursionAtRaise: StoredExcursion;
  knownAtRaise: Point[];
  /** Late data later showed the excursion lasted less than the duration. */
  disqualified: boolean;
};

/**
 * The storage loop a caller runs around the core functions, in memory: readings deduplicated
 * by ts (first wins), excursions with ids and alert links, the live state, the late path
 * (window → recompute → reconcile) and the QStash due check. The api's version does the same
 * against Postgres; this one is the reference the property tests hold the oracle against.
 */
export class MemoryExcursionStore {
  readonly readings = new Map<number, number>();
  readonly excursions = new Map<string, StoredExcursion>();
  readonly alerts: MemoryAlert[] = [];
  /** Alerts of excursions that late data merged away, linked to the one they merged into. */
  readonly links: { alertId: string; excursionId: string | null }[] = [];
  /** Raises refused because the excursion already had an alert (see `raise`). */
  suppressedRaises = 0;
  private openId: string | null = null;
  private lastTs: number | null = null;
  private seq = 0;

  constructor(
    readonly rule: ExcursionRule,
    readonly timeZone: string,
    readonly opts: ExcursionOptions,
  ) {}

  /** One device post arriving at wall-clock `atMs`. */
  ingest(points: readonly Point[], atMs: number): void {
    const accepted: Point[] = [];
    for (const p of points) {
      if (this.readings.has(p.ts)) continue;
      this.readings.set(p.ts, p.value);
      accepted.push(p);
    }
    if (accepted.length === 0) return;
    const open = this.openId === null ? null : this.excursions.get(this.openId)!;
    const state = { open, lastTs: this.lastTs };
    const result = advanceExcursions(this.rule, state, accepted, this.timeZone, this.opts);
    if (result.late) {
      this.recompute(Math.min(...accepted.map((p) => p.ts)), atMs);
      return;
    }
    const ids = new Map<Excursion, string>();
    for (const e of result.excursions) {
      const id = open !== null && e.start === open.start ? open.id : this.newId('exc');
      ids.set(e, id);
      this.excursions.set(id, { ...e, id, alertId: this.excursions.get(id)?.alertId ?? null });
    }
    // A raise for an excursion that has already ended (an in-order backfill) is retrospective.
    for (const e of result.raise) this.raise(ids.get(e)!, atMs, 'ingest', e.end !== null);
    for (const e of result.disqualified) this.disqualify(this.excursions.get(ids.get(e)!)!.alertId);
    this.openId = result.open === null ? null : ids.get(result.open)!;
    this.lastTs = result.lastTs;
  }

  /** Runs the QStash due checks that are due at `nowMs` (each open, unalerted excursion). */
  runChecks(nowMs: number): void {
    if (this.openId === null) return;
    const open = this.excursions.get(this.openId)!;
    // A check whose alert exists (raised before late data reset alertAt) has nothing to do.
    if (open.alertId !== null || alertDueAt(open, this.rule) > nowMs) return;
    const decision = checkDue(open, this.rule, nowMs, this.opts);
    if (decision !== 'raise' && decision !== 'raise_data_gap') return;
    this.excursions.set(open.id, { ...open, ...applyDueDecision(open, this.rule, decision) });
    this.raise(open.id, nowMs, 'check', false);
  }

  /** Stored excursions in start order. */
  list(): StoredExcursion[] {
    return [...this.excursions.values()].sort((a, b) => a.start - b.start);
  }

  private recompute(earliestLateTs: number, atMs: number): void {
    const stored = this.list();
    const windowStart = recomputeWindowStart(stored, earliestLateTs);
    const inWindow = stored.filter((e) => inRecomputeWindow(e, windowStart));
    const points = [...this.readings]
      .filter(([ts]) => ts >= windowStart)
      .map(([ts, value]) => ({ ts, value }));
    const { excursions, state } = recomputeWindow(this.rule, points, this.timeZone, this.opts);
    const changes = reconcileExcursions(inWindow, excursions);
    const idByStart = new Map(inWindow.map((e) => [e.start, e.id]));
    for (const id of changes.remove) this.excursions.delete(id);
    for (const { id, excursion } of changes.update) {
      this.excursions.set(id, { ...excursion, id, alertId: this.excursions.get(id)!.alertId });
      idByStart.set(excursion.start, id);
    }
    for (const e of changes.insert) {
      const id = this.newId('exc');
      this.excursions.set(id, { ...e, id, alertId: null });
      idByStart.set(e.start, id);
    }
    for (const m of changes.merged) this.links.push({ alertId: m.alertId, excursionId: m.intoId });
    for (const d of changes.disqualified) this.disqualify(d.alertId);
    for (const r of changes.raise) {
      this.raise(r.id ?? idByStart.get(r.start)!, atMs, 'reconcile', r.retrospective);
    }
    this.openId = state.open === null ? null : idByStart.get(state.open.start)!;
    this.lastTs = state.lastTs;
  }

  private disqualify(alertId: string | null): void {
    const alert = this.alerts.find((a) => a.id === alertId);
    if (!alert) throw new Error(`disqualified an excursion without alert ${alertId}`);
    alert.disqualified = true;
  }

  private raise(excursionId: string, atMs: number, via: MemoryAlert['via'], retro: boolean): void {
    const excursion = this.excursions.get(excursionId)!;
    // One alert per excursion, as a unique (excursion_id) on alerts with ON CONFLICT DO NOTHING
    // does it. Counted, because without QStash checks in play it must never happen.
    if (excursion.alertId !== null) {
      this.suppressedRaises += 1;
      return;
    }
    const id = this.newId('alr');
    this.excursions.set(excursionId, { ...excursion, alertId: id });
    this.alerts.push({
      id,
      excursionId,
      raisedAt: atMs,
      via,
      retrospective: retro,
      dataGap: excursion.dataGap,
      excursionAtRaise: excursion,
      knownAtRaise: [...this.readings].map(([ts, value]) => ({ ts, value })),
      disqualified: false,
    });
  }

  private newId(prefix: string): string {
    this.seq += 1;
    return `${prefix}_${this.seq}`;
  }
}

export type OracleScore = {
  /** Excursions the oracle says qualify, and how many of them got no alert. */
  qualifying: number;
  missed: number;
  /** Excursions with more than one alert. */
  duplicated: number;
  /** Oracle excursions without a stored one of the same start and end, and vice versa. */
  wrongBoundaries: number;
  /**
   * Alerts on excursions the oracle calls transient: raised on the readings known then (late data
   * showed otherwise; the core reports them disqualified) or by a due check on the open tail.
   */
  extra: number;
};

/**
 * Scores what a live system stored against `findExcursions` over the same readings: the counts
 * the correctness run prints (missed = duplicated = wrongBoundaries = 0 is the bar).
 * `stored` carries each excursion's number of linked alerts (merged alerts included).
 */
export function scoreAgainstOracle(
  oracle: readonly Excursion[],
  stored: readonly (Pick<Excursion, 'start' | 'end'> & { alerts: number })[],
): OracleScore {
  const byStart = new Map(stored.map((e) => [e.start, e]));
  const truth = new Map(oracle.map((e) => [e.start, e]));
  const score: OracleScore = {
    qualifying: 0,
    missed: 0,
    duplicated: 0,
    wrongBoundaries: 0,
    extra: 0,
  };
  for (const e of oracle) {
    const mine = byStart.get(e.start);
    if (mine?.end !== e.end) score.wrongBoundaries += 1;
    if (e.alertAt === null) continue;
    score.qualifying += 1;
    if (!mine || mine.alerts === 0) score.missed += 1;
  }
  for (const e of stored) {
    if (!truth.has(e.start)) score.wrongBoundaries += 1;
    if (e.alerts > 1) score.duplicated += 1;
    if (e.alerts > 0 && (truth.get(e.start)?.alertAt ?? null) === null) score.extra += 1;
  }
  return score;
}

/** `MemoryExcursionStore` contents in the shape `scoreAgainstOracle` takes. */
export function storedForScoring(store: MemoryExcursionStore) {
  const linked = new Map<string, number>();
  for (const l of store.links) {
    if (l.excursionId !== null) linked.set(l.excursionId, (linked.get(l.excursionId) ?? 0) + 1);
  }
  return store.list().map((e) => ({
    start: e.start,
    end: e.end,
    alerts: (e.alertId === null ? 0 : 1) + (linked.get(e.id) ?? 0),
  }));
}
