import { type Excursion, toExcursion } from './excursion.js';

/** An excursion as stored: its id and the alert raised for it, if any. */
export type StoredExcursion = Excursion & { id: string; alertId: string | null };

export type RaiseExcursion = Excursion & {
  /** The stored excursion this is (after `update`), or null for the `insert` entry with this start. */
  id: string | null;
  /** True when the excursion is already over: the alert reports it with its true start and end. */
  retrospective: boolean;
};

export type Reconciliation = {
  insert: Excursion[];
  update: { id: string; excursion: Excursion }[];
  remove: string[];
  /** Qualifying excursions with no alert yet: raise exactly one alert each. */
  raise: RaiseExcursion[];
  /**
   * Removed stored excursions that had an alert: late data merged them into `intoId`, which
   * keeps its own (earlier) alert. Link `alertId` to `intoId`; never raise or delete it.
   * `intoId` is null when nothing recomputed overlaps any more (only possible if the readings
   * or the rule changed under the excursion); the alert then stays without an excursion.
   */
  merged: { id: string; alertId: string; intoId: string | null }[];
  /**
   * Alerted excursions that no longer qualify with the late data (the alert was raised on the
   * readings known then, or by a due check): the alert stays, its timeline should say why.
   */
  disqualified: { id: string; alertId: string }[];
};

type Span = Pick<Excursion, 'start' | 'end'>;
const endOf = (e: Span) => e.end ?? Number.POSITIVE_INFINITY;
// Closed excursions are [start, end): the clearing reading is not part of them.
const overlaps = (a: Span, b: Span) => a.start < endOf(b) && b.start < endOf(a);
const contains = (e: Span, ts: number) => e.start <= ts && ts < endOf(e);

/**
 * Where to reload readings from when a batch is late. The state just before that instant must
 * be known: if the earliest late ts falls inside a stored excursion (start ≤ ts ≤ end, or open)
 * the window starts at that excursion's start, else at the late ts itself (the state there is
 * clear). Reload every reading at or after it, and the stored excursions with
 * `end === null || end >= windowStart` (exactly those that can change).
 */
export function recomputeWindowStart(stored: readonly Span[], earliestLateTs: number): number {
  let from = earliestLateTs;
  for (const e of stored) {
    if (e.start <= earliestLateTs && earliestLateTs <= endOf(e)) from = Math.min(from, e.start);
  }
  return from;
}

/** True for stored excursions that a recompute from `windowStart` may change or remove. */
export function inRecomputeWindow(e: Span, windowStart: number): boolean {
  return e.end === null || e.end >= windowStart;
}

const FIELDS = [
  'start',
  'end',
  'lastTs',
  'lastViolatingTs',
  'peak',
  'alertAt',
  'dataGap',
  'longestGapMs',
] as const;
const same = (a: Excursion, b: Excursion) => FIELDS.every((f) => a[f] === b[f]);

/**
 * Reconciles the stored excursions of a recompute window with the recomputed ones. Overlapping
 * excursions keep their id and alert; an alert is never raised twice:
 * - merge: the recomputed excursion keeps the earliest alerted stored one; other alerted ones
 *   are reported in `merged`;
 * - split: the alert stays with the part containing the stored alertAt (else the first part
 *   that qualifies, else the first part); another part that qualifies gets its own alert;
 * - new: an excursion found in the past is inserted and, if it qualifies, raised
 *   (`retrospective` when it has ended).
 * An alert whose excursion turns out transient after late data keeps its alert (it was raised,
 * which is a fact); the excursion's own alertAt then says null. Stored excursions that keep
 * their fields are in neither list: find the open one's id by `start` among the stored.
 */
export function reconcileExcursions(
  stored: readonly StoredExcursion[],
  recomputed: readonly Excursion[],
): Reconciliation {
  const owner = new Map<Excursion, StoredExcursion>();
  const taken = new Set<Excursion>();
  const result: Reconciliation = {
    insert: [],
    update: [],
    remove: [],
    raise: [],
    merged: [],
    disqualified: [],
  };
  const byStart = (a: Span, b: Span) => a.start - b.start;
  // Alerted excursions choose first so an alert is never displaced by an alert-less id.
  const order = [...stored].sort(
    (a, b) => Number(a.alertId === null) - Number(b.alertId === null) || byStart(a, b),
  );
  const recomputedSorted = [...recomputed].sort(byStart);
  const removed: StoredExcursion[] = [];

  for (const s of order) {
    const candidates = recomputedSorted.filter((r) => overlaps(r, s) && !taken.has(r));
    const pick =
      (s.alertId !== null &&
        (candidates.find((r) => s.alertAt !== null && contains(r, s.alertAt)) ??
          candidates.find((r) => r.alertAt !== null))) ||
      candidates[0];
    if (!pick) {
      removed.push(s);
      continue;
    }
    taken.add(pick);
    owner.set(pick, s);
  }

  for (const r of recomputedSorted) {
    const s = owner.get(r);
    if (s === undefined) result.insert.push(toExcursion(r));
    else if (!same(s, r)) result.update.push({ id: s.id, excursion: toExcursion(r) });
    // Reported once: when the stored alertAt goes from set to null.
    if (s?.alertId != null && s.alertAt !== null && r.alertAt === null) {
      result.disqualified.push({ id: s.id, alertId: s.alertId });
    }
    if (r.alertAt !== null && (s === undefined || s.alertId === null)) {
      result.raise.push({ ...toExcursion(r), id: s?.id ?? null, retrospective: r.end !== null });
    }
  }
  for (const s of removed.sort(byStart)) {
    result.remove.push(s.id);
    if (s.alertId === null) continue;
    const into = recomputedSorted.find((r) => overlaps(r, s) && owner.has(r));
    result.merged.push({ id: s.id, alertId: s.alertId, intoId: into ? owner.get(into)!.id : null });
  }
  return result;
}
