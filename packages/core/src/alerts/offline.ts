export type OfflineState = {
  offline: boolean;
  /** When the silence crossed the limit (last seen + interval × factor); null while online. */
  since: number | null;
  /** When to look again: the deadline while online, one more limit later while offline. */
  checkAt: number;
};

/**
 * Whether a device counts as offline at `nowMs`: no data for at least
 * expectedIntervalSeconds × factor since `lastSeenAtMs` (event time of its newest reading).
 * A device that never reported is not offline (there is nothing it stopped doing); its first
 * check is one limit from now. Data returning clears the state on ingest, so while offline the
 * re-check is only a slow heartbeat, not a poll at the reporting interval.
 */
export function offlineState(
  lastSeenAtMs: number | null,
  expectedIntervalSeconds: number,
  factor: number,
  nowMs: number,
): OfflineState {
  if (!(expectedIntervalSeconds > 0) || !(factor >= 1)) {
    throw new RangeError('expectedIntervalSeconds must be > 0 and factor ≥ 1');
  }
  const limitMs = expectedIntervalSeconds * factor * 1_000;
  if (lastSeenAtMs === null) return { offline: false, since: null, checkAt: nowMs + limitMs };
  const deadline = lastSeenAtMs + limitMs;
  if (nowMs < deadline) return { offline: false, since: null, checkAt: deadline };
  return { offline: true, since: deadline, checkAt: nowMs + limitMs };
}
