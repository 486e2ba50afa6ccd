/**
 * Mean kinetic temperature (USP <1160>), time-weighted: the single temperature that would cause
 * the same total degradation as the observed series,
 *
 *   MKT = (ΔH/R) / −ln( Σ wᵢ·e^(−ΔH/(R·Tᵢ)) / Σ wᵢ )
 *
 * with ΔH = 83.144 kJ/mol (ΔH/R = 10,000 K), Tᵢ in kelvin and wᵢ the time reading i represents
 * (MKT_WEIGHTING). Sums are kept in log-sum-exp form — the largest exponent and the weighted sum
 * relative to it — so nothing underflows: e^(−ΔH/RT) is below the smallest double under
 * about −259.7 °C, which made a whole series report −273.15 °C.
 */
export const DELTA_H_OVER_R = 10_000;

/**
 * A gap longer than the device's expected interval × this is a gap, not a stretch the last
 * reading held. It is OFFLINE_AFTER_INTERVALS's default, fixed here (not read from env): a
 * reading's weight is stored when it arrives and an MKT in a signed report must not change
 * because someone later tuned when devices count as offline.
 */
export const HELD_GAP_FACTOR = 3;

/** The weighting rule in words, as reports print it beside an MKT. */
export const MKT_WEIGHTING =
  'Time-weighted (USP <1160>): each temperature reading counts for the time until the ' +
  `device's next reading, at most its expected reporting interval × ${HELD_GAP_FACTOR} (a longer ` +
  'silence is a data gap and counts for nothing); the newest reading counts for one expected ' +
  'interval until the next arrives. A reading counts in the period of its own timestamp.';

/** −ΔH/(R·T) for a Celsius reading: the exponent of its Arrhenius term. */
export function arrheniusExponent(celsius: number): number {
  return -DELTA_H_OVER_R / (celsius + 273.15);
}

/**
 * Summable MKT state of a set of readings: `heldMs` = Σ wᵢ, `max` = the largest exponent (null
 * when empty), `weighted` = Σ wᵢ·e^(exponentᵢ − max). Rollups store exactly these per bucket.
 */
export type MktParts = { heldMs: number; max: number | null; weighted: number };

export const EMPTY_MKT_PARTS: MktParts = { heldMs: 0, max: null, weighted: 0 };

/** e^x, but 0 below e^−700: such a term is under double precision next to the max's. */
export function expOrZero(x: number): number {
  return x < -700 ? 0 : Math.exp(x);
}

/** One reading of `celsius` held for `heldMs`. */
export function mktPartsOf(celsius: number, heldMs: number): MktParts {
  return { heldMs, max: arrheniusExponent(celsius), weighted: heldMs };
}

/** Combines two parts exactly as the rollups' SQL does (log-sum-exp around the larger max). */
export function combineMktParts(a: MktParts, b: MktParts): MktParts {
  if (a.max === null) return { ...b, heldMs: a.heldMs + b.heldMs };
  if (b.max === null) return { ...a, heldMs: a.heldMs + b.heldMs };
  const max = Math.max(a.max, b.max);
  return {
    heldMs: a.heldMs + b.heldMs,
    max,
    weighted: a.weighted * expOrZero(a.max - max) + b.weighted * expOrZero(b.max - max),
  };
}

/** MKT in °C from parts; null when no time is covered. */
export function mktFromParts(parts: MktParts): number | null {
  if (parts.max === null || !(parts.heldMs > 0) || !(parts.weighted > 0)) return null;
  return DELTA_H_OVER_R / -(parts.max + Math.log(parts.weighted / parts.heldMs)) - 273.15;
}

export type HeldOptions = {
  /** The longest stretch one reading may stand for: expected interval × HELD_GAP_FACTOR. */
  capMs: number;
  /** What the newest reading stands for until its successor arrives: one expected interval. */
  tailMs: number;
};

/** The device's weighting limits from its expected reporting interval. */
export function heldOptions(expectedIntervalSeconds: number): HeldOptions {
  const tailMs = expectedIntervalSeconds * 1_000;
  return { capMs: tailMs * HELD_GAP_FACTOR, tailMs };
}

/**
 * The time each reading represents (MKT_WEIGHTING), for strictly increasing timestamps:
 * min(next − ts, cap); the newest min(tail, cap).
 */
export function heldTimes(sortedTs: readonly number[], opts: HeldOptions): number[] {
  return sortedTs.map((ts, i) => {
    const next = sortedTs[i + 1];
    return Math.min(next === undefined ? opts.tailMs : next - ts, opts.capMs);
  });
}

/** Time-weighted MKT of a whole series (any order, one reading per ts); null when empty. */
export function timeWeightedMkt(
  points: readonly { ts: number; celsius: number }[],
  opts: HeldOptions,
): number | null {
  const sorted = [...points].sort((a, b) => a.ts - b.ts);
  const held = heldTimes(
    sorted.map((p) => p.ts),
    opts,
  );
  return mktFromParts(
    sorted.reduce(
      (parts, p, i) => combineMktParts(parts, mktPartsOf(p.celsius, held[i]!)),
      EMPTY_MKT_PARTS,
    ),
  );
}
