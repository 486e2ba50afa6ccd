/**
 * Thresholds, deadbands and readings are compared as integers of 10⁻⁶ of the metric's unit
 * (its comparison resolution), so a decimal edge means what was typed: `below 2.2, deadband
 * 0.1` clears at exactly 2.3, where the float sum 2.2 + 0.1 = 2.3000000000000003 would keep
 * 2.3 in the deadband. Readings differing by less than half a millionth of a unit compare equal.
 */
export const COMPARE_SCALE = 1_000_000;

/** `x` in integer units of 1/COMPARE_SCALE; exact for |x| up to 9·10⁹ (2⁵³ / 10⁶). */
export function scaled(x: number): number {
  return Math.round(x * COMPARE_SCALE);
}
