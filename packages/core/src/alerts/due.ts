import {
  alertDueAt,
  type Excursion,
  type ExcursionOptions,
  type ExcursionRule,
  hasDataGap,
} from './excursion.js';

export type DueDecision = 'closed' | 'already_alerted' | 'not_yet' | 'raise' | 'raise_data_gap';

/**
 * The QStash check scheduled at start + duration, judged on the excursion as stored now.
 * Still open at the alert instant → raise at once (the live answer: waiting for the next
 * reading would add a whole reporting interval of latency). No reading for longer than
 * maxGapMs → raise marked data gap: the conservative answer when the device went quiet.
 * A redelivered or early check answers already_alerted / not_yet, so it is idempotent.
 */
export function checkDue(
  excursion: Excursion,
  rule: ExcursionRule,
  nowMs: number,
  opts: ExcursionOptions,
): DueDecision {
  if (excursion.end !== null) return 'closed';
  if (excursion.alertAt !== null) return 'already_alerted';
  const due = alertDueAt(excursion, rule);
  if (nowMs < due) return 'not_yet';
  // A reading at or after `due` would have set alertAt on ingest; this guards a caller that
  // stored such a reading without advancing: the excursion has provably lasted the duration.
  if (excursion.lastTs >= due) return 'raise';
  return hasDataGap(excursion.lastTs, nowMs, opts) ? 'raise_data_gap' : 'raise';
}

/**
 * The excursion to store after a `raise` / `raise_data_gap` decision: alertAt is the alert
 * instant (start + duration), whatever the delivery delay of the check. The next reading at or
 * after that instant re-derives dataGap from event time (`advanceExcursions`).
 */
export function applyDueDecision(
  excursion: Excursion,
  rule: ExcursionRule,
  decision: DueDecision,
): Excursion {
  if (decision !== 'raise' && decision !== 'raise_data_gap') return excursion;
  return {
    ...excursion,
    alertAt: alertDueAt(excursion, rule),
    dataGap: decision === 'raise_data_gap',
  };
}
