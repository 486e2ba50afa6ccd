/**
 * Mean kinetic temperature (USP <1160>): the single temperature that would cause the same
 * total degradation as the observed series. With ΔH = 83.144 kJ/mol, ΔH/R = 10,000 K.
 * Rollups store Σ exp(-ΔH/(R·T)) per bucket, so MKT over any range is exact from them.
 */
export const DELTA_H_OVER_R = 10_000;

/** exp(-ΔH/(R·T)) for a Celsius reading: what the rollups sum. */
export function arrheniusTerm(celsius: number): number {
  return Math.exp(-DELTA_H_OVER_R / (celsius + 273.15));
}

/** MKT in °C from the summed Arrhenius terms of `count` readings. */
export function mktFromSums(arrheniusSum: number, count: number): number {
  return DELTA_H_OVER_R / -Math.log(arrheniusSum / count) - 273.15;
}
