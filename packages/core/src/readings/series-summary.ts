import { arrheniusTerm, mktFromSums } from './mkt.js';

/** What a rollup bucket (or a single reading) contributes to a summary; all fields add up. */
export type Aggregate = {
  count: number;
  min: number;
  max: number;
  sum: number;
  arrheniusSum: number;
};

export type SeriesSummary = {
  count: number;
  min: number;
  max: number;
  mean: number;
  /** Mean kinetic temperature, °C: temperature only. */
  mkt: number | null;
};

/** A single reading as an aggregate, so raw and bucketed series summarise the same way. */
export function aggregateOf(metric: string, value: number): Aggregate {
  return {
    count: 1,
    min: value,
    max: value,
    sum: value,
    arrheniusSum: metric === 'temperature' ? arrheniusTerm(value) : 0,
  };
}

/** Folds aggregates into count/min/max/mean (+ MKT for temperature); null when empty. */
export function summarise(metric: string, parts: readonly Aggregate[]): SeriesSummary | null {
  let count = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let arrheniusSum = 0;
  for (const p of parts) {
    count += p.count;
    min = Math.min(min, p.min);
    max = Math.max(max, p.max);
    sum += p.sum;
    arrheniusSum += p.arrheniusSum;
  }
  if (count === 0) return null;
  return {
    count,
    min,
    max,
    mean: sum / count,
    mkt: metric === 'temperature' ? mktFromSums(arrheniusSum, count) : null,
  };
}
