import { describe, expect, it } from 'vitest';
import { applyDueDecision, checkDue } from './due.js';
import type { Excursion, ExcursionRule } from './excursion.js';

const MIN = 60_000;
const rule: ExcursionRule = {
  condition: { kind: 'above', threshold: 8 },
  durationSeconds: 15 * 60,
  deadband: 0,
  schedule: null,
};
const opts = { maxGapMs: 2 * MIN };
const open = (lastTs: number, patch: Partial<Excursion> = {}): Excursion => ({
  start: 0,
  end: null,
  lastTs,
  lastViolatingTs: lastTs,
  peak: 9,
  alertAt: null,
  dataGap: false,
  longestGapMs: 0,
  ...patch,
});

describe('checkDue', () => {
  it('raises an excursion still open at start + duration while data is fresh', () => {
    expect(checkDue(open(14.9 * MIN), rule, 15 * MIN, opts)).toBe('raise');
  });

  it('raises with a data gap when the device has been silent longer than maxGapMs', () => {
    // Exactly maxGapMs of silence is still fresh; one millisecond more is a gap.
    expect(checkDue(open(13 * MIN), rule, 15 * MIN, opts)).toBe('raise');
    expect(checkDue(open(13 * MIN), rule, 15 * MIN + 1, opts)).toBe('raise_data_gap');
    expect(checkDue(open(5 * MIN), rule, 15 * MIN, opts)).toBe('raise_data_gap');
  });

  it('answers closed, already_alerted and not_yet without raising (idempotent redelivery)', () => {
    expect(checkDue(open(5 * MIN, { end: 6 * MIN }), rule, 15 * MIN, opts)).toBe('closed');
    expect(checkDue(open(16 * MIN, { alertAt: 15 * MIN }), rule, 20 * MIN, opts)).toBe(
      'already_alerted',
    );
    expect(checkDue(open(14 * MIN), rule, 15 * MIN - 1, opts)).toBe('not_yet');
  });

  it('raises an open excursion whose readings already passed the alert instant', () => {
    expect(checkDue(open(16 * MIN), rule, 30 * MIN, opts)).toBe('raise');
  });
});

describe('applyDueDecision', () => {
  it('sets alertAt to the alert instant, not the delivery time, and marks data gaps', () => {
    expect(applyDueDecision(open(5 * MIN), rule, 'raise_data_gap')).toMatchObject({
      alertAt: 15 * MIN,
      dataGap: true,
    });
    expect(applyDueDecision(open(14.5 * MIN), rule, 'raise')).toMatchObject({
      alertAt: 15 * MIN,
      dataGap: false,
    });
    const e = open(5 * MIN);
    expect(applyDueDecision(e, rule, 'not_yet')).toBe(e);
  });
});
