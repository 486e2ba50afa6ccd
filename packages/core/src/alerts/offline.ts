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

/**
 * How a device is doing, as every page shows it: reporting (`online`), gone quiet (`offline`),
 * registered but never heard from (`never_reported`), or `revoked`.
 */
export type Connectivity = 'online' | 'offline' | 'never_reported' | 'revoked';
export const CONNECTIVITIES = ['online', 'offline', 'never_reported', 'revoked'] as const;

export type ConnectivityInput = {
  /** The device's credential was revoked (devices carry a status, not a revocation time). */
  revoked: boolean;
  /** Unix ms the api last received data from it; null: never. */
  lastSeenAt: number | null;
  expectedIntervalSeconds: number;
  /** An offline alert on it is unresolved and not ended: the sweep's standing judgement. */
  offlineAlertOpen: boolean;
  /** Unix ms. */
  now: number;
  /** OFFLINE_AFTER_INTERVALS: silence longer than expected interval × this is offline. */
  offlineFactor: number;
};

/**
 * The one definition of a device's connectivity (the device list and its filter, the facility
 * and device pages, the overview's counts). Offline when an offline alert is open OR when it
 * has been silent for expected interval × factor (`offlineState`, the very rule the sweep
 * raises its alerts on). Both, because each alone is wrong for a while:
 * - the alert alone lags the truth: the sweep runs once a minute (later when QStash retries or
 *   a backlog drains), so a fridge that stopped an hour's limit ago would still read online;
 *   the silence rule shows it the moment the limit passes, the same on every page;
 * - the silence alone would turn a device green while its offline alert is still standing
 *   (data arrived, the evaluator has not ended the alert yet); the alert is what people were
 *   notified of, so the device reads offline until it ends.
 * Revoked wins over everything (its silence is expected); a device that never reported is not
 * offline unless an alert says so (there is nothing it stopped doing).
 * `repos/connectivity.ts` in the db package states the same rule in SQL for filters and counts.
 */
export function deviceConnectivity(input: ConnectivityInput): Connectivity {
  if (input.revoked) return 'revoked';
  if (input.offlineAlertOpen) return 'offline';
  if (input.lastSeenAt === null) return 'never_reported';
  const { offline } = offlineState(
    input.lastSeenAt,
    input.expectedIntervalSeconds,
    input.offlineFactor,
    input.now,
  );
  return offline ? 'offline' : 'online';
}
