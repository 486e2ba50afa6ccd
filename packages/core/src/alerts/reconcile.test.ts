import { describe, expect, it } from 'vitest';
import type { Excursion } from './excursion.js';
import {
  inRecomputeWindow,
  recomputeWindowStart,
  reconcileExcursions,
  type StoredExcursion,
} from './reconcile.js';

const exc = (start: number, end: number | null, patch: Partial<Excursion> = {}): Excursion => ({
  start,
  end,
  lastTs: end === null ? start : end - 1,
  lastViolatingTs: end === null ? start : end - 1,
  peak: 9,
  alertAt: null,
  dataGap: false,
  longestGapMs: 0,
  ...patch,
});
const stored = (id: string, e: Excursion, alertId: string | null = null): StoredExcursion => ({
  ...e,
  id,
  alertId,
});

describe('recomputeWindowStart', () => {
  const spans = [exc(100, 200), exc(300, 400), exc(500, null)];

  it('starts at the excursion that contains the late reading, end and open tail included', () => {
    expect(recomputeWindowStart(spans, 150)).toBe(100);
    expect(recomputeWindowStart(spans, 200)).toBe(100);
    expect(recomputeWindowStart(spans, 10_000)).toBe(500);
  });

  it('starts at the late reading itself between excursions', () => {
    expect(recomputeWindowStart(spans, 250)).toBe(250);
    expect(recomputeWindowStart([], 42)).toBe(42);
  });

  it('selects exactly the stored excursions a recompute may touch', () => {
    expect(spans.filter((e) => inRecomputeWindow(e, 250)).map((e) => e.start)).toEqual([300, 500]);
    expect(spans.filter((e) => inRecomputeWindow(e, 100)).map((e) => e.start)).toEqual([
      100, 300, 500,
    ]);
  });
});

describe('reconcileExcursions', () => {
  it('changes nothing when the recompute agrees with storage', () => {
    const a = exc(100, 200, { alertAt: 150 });
    expect(reconcileExcursions([stored('exc_a', a, 'alr_a')], [a])).toEqual({
      insert: [],
      update: [],
      remove: [],
      raise: [],
      merged: [],
      disqualified: [],
    });
  });

  it('keeps id and alert when late data extends an excursion, without raising again', () => {
    const before = stored('exc_a', exc(100, 200, { alertAt: 150 }), 'alr_a');
    const after = exc(80, 200, { alertAt: 130 });
    expect(reconcileExcursions([before], [after])).toMatchObject({
      update: [{ id: 'exc_a', excursion: after }],
      insert: [],
      raise: [],
    });
  });

  it('raises an excursion that qualifies only with the late data, on its stored id', () => {
    const before = stored('exc_a', exc(100, null));
    const after = exc(100, 300, { alertAt: 250 });
    expect(reconcileExcursions([before], [after]).raise).toEqual([
      { ...after, id: 'exc_a', retrospective: true },
    ]);
  });

  it('inserts and raises an excursion found entirely in the past, with its true start and end', () => {
    const later = stored('exc_b', exc(500, null));
    const found = exc(100, 200, { alertAt: 160, dataGap: true });
    const result = reconcileExcursions([later], [found, exc(500, null)]);
    expect(result.insert).toEqual([found]);
    expect(result.raise).toEqual([{ ...found, id: null, retrospective: true }]);
    expect(result.update).toEqual([]);
  });

  it('keeps a transient excursion found in the past without raising it', () => {
    const result = reconcileExcursions([], [exc(100, 120)]);
    expect(result.insert).toHaveLength(1);
    expect(result.raise).toEqual([]);
  });

  it('split: the alert stays with the part containing its alertAt; a qualifying other part is raised', () => {
    const whole = stored('exc_a', exc(100, 400, { alertAt: 250 }), 'alr_a');
    const first = exc(100, 200, { alertAt: 150 });
    const second = exc(210, 400, { alertAt: 260 });
    const result = reconcileExcursions([whole], [first, second]);
    expect(result.update).toEqual([{ id: 'exc_a', excursion: second }]);
    expect(result.insert).toEqual([first]);
    expect(result.raise).toEqual([{ ...first, id: null, retrospective: true }]);
  });

  it('split with the alert instant in the gap: the first qualifying part keeps the alert', () => {
    const whole = stored('exc_a', exc(100, 400, { alertAt: 205 }), 'alr_a');
    const first = exc(100, 200);
    const second = exc(210, 400, { alertAt: 300 });
    const result = reconcileExcursions([whole], [first, second]);
    expect(result.update).toEqual([{ id: 'exc_a', excursion: second }]);
    expect(result.raise).toEqual([]);
  });

  it('merge: the merged excursion keeps the first alert, the other alert is reported', () => {
    const a = stored('exc_a', exc(100, 200, { alertAt: 150 }), 'alr_a');
    const b = stored('exc_b', exc(300, 400, { alertAt: 350 }), 'alr_b');
    const merged = exc(100, 400, { alertAt: 150 });
    expect(reconcileExcursions([b, a], [merged])).toEqual({
      insert: [],
      update: [{ id: 'exc_a', excursion: merged }],
      remove: ['exc_b'],
      raise: [],
      merged: [{ id: 'exc_b', alertId: 'alr_b', intoId: 'exc_a' }],
      disqualified: [],
    });
  });

  it('merge: an alerted excursion keeps its alert even when an earlier one had none', () => {
    const a = stored('exc_a', exc(100, 200));
    const b = stored('exc_b', exc(300, 400, { alertAt: 350 }), 'alr_b');
    const merged = exc(100, 400, { alertAt: 150 });
    const result = reconcileExcursions([a, b], [merged]);
    expect(result.update).toEqual([{ id: 'exc_b', excursion: merged }]);
    expect(result.remove).toEqual(['exc_a']);
    expect(result.raise).toEqual([]);
    expect(result.merged).toEqual([]);
  });

  it('keeps an alert raised by a due check when late data shows the excursion was transient', () => {
    const checked = stored('exc_a', exc(100, null, { alertAt: 250 }), 'alr_a');
    const truth = exc(100, 200);
    const result = reconcileExcursions([checked], [truth]);
    expect(result.update).toEqual([{ id: 'exc_a', excursion: truth }]);
    expect(result.remove).toEqual([]);
    expect(result.raise).toEqual([]);
    expect(result.disqualified).toEqual([{ id: 'exc_a', alertId: 'alr_a' }]);
    // Reported once: stored as transient, the next reconcile has nothing new to say.
    const again = reconcileExcursions([stored('exc_a', truth, 'alr_a')], [truth]);
    expect(again.disqualified).toEqual([]);
  });

  it('reports an alerted excursion that nothing overlaps any more as detached', () => {
    const gone = stored('exc_a', exc(100, 200, { alertAt: 150 }), 'alr_a');
    expect(reconcileExcursions([gone], [])).toMatchObject({
      remove: ['exc_a'],
      merged: [{ id: 'exc_a', alertId: 'alr_a', intoId: null }],
    });
  });
});
