/** Temperatures are stored in °C; each tenant shows them in its own unit. */
export type TemperatureUnit = 'C' | 'F';

/** A °C value in `unit`. */
export function inUnit(celsius: number, unit: TemperatureUnit): number {
  return unit === 'F' ? (celsius * 9) / 5 + 32 : celsius;
}

/** "4.2 °C" / "39.6 °F": one decimal, which is what the sensors resolve. */
export function formatTemperature(celsius: number, unit: TemperatureUnit): string {
  return `${inUnit(celsius, unit).toFixed(1)} °${unit}`;
}

/** "2.0 – 5.5 °C", a single value when they agree, or null when nothing is known. */
export function formatTemperatureRange(
  min: number | null,
  max: number | null,
  unit: TemperatureUnit,
): string | null {
  if (min === null || max === null) return null;
  const lo = inUnit(min, unit).toFixed(1);
  const hi = inUnit(max, unit).toFixed(1);
  return lo === hi ? `${lo} °${unit}` : `${lo} – ${hi} °${unit}`;
}

/** One decimal, as the sensors resolve (a chart's values). */
export const round1 = (n: number) => Math.round(n * 10) / 10;
