import {
  combineMktParts,
  EMPTY_MKT_PARTS,
  type MktParts,
  mktFromParts,
  mktPartsOf,
} from './mkt.js';

/**
 * What a rollup bucket (or a single reading) contributes to a summary; all fields combine
 * exactly (counts and sums add, MKT parts combine by log-sum-exp).
 */
export type Aggregate = {
  count: number;
  min: number;
  max: number;
  sum: number;
  /** Time-weighted MKT state (temperature only; EMPTY_MKT_PARTS otherwise). */
  mkt: MktParts;
};

export type SeriesSummary = {
  count: number;
  min: number;
  max: number;
  mean: number;
  /** Time-weighted mean kinetic temperature, °C (MKT_WEIGHTING): temperature only. */
  mkt: number | null;
};

/**
 * A single stored reading as an aggregate, so raw and bucketed series summarise the same way.
 * `heldMs` is the time the reading represents (stored with it; null for other metrics).
 */
export function aggregateOf(metric: string, value: number, heldMs: number | null): Aggregate {
  return {
    count: 1,
    min: value,
    max: value,
    sum: value,
    mkt: metric === 'temperature' && heldMs !== null ? mktPartsOf(value, heldMs) : EMPTY_MKT_PARTS,
  };
}

/** Folds aggregates into count/min/max/mean (+ MKT for temperature); null when empty. */
export function summarise(metric: string, parts: readonly Aggregate[]): SeriesSummary | null {
  let count = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let mkt = EMPTY_MKT_PARTS;
  for (const p of parts) {
    count += p.count;
    min = Math.min(min, p.min);
    max = Math.max(max, p.max);
    sum += p.sum;
    mkt = combineMktParts(mkt, p.mkt);
  }
  if (count === 0) return null;
  return {
    count,
    min,
    max,
    mean: sum / count,
    mkt: metric === 'temperature' ? mktFromParts(mkt) : null,
  };
}
