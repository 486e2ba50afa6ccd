// Latest values as people read them. Stored units: %RH, door 1 = open / 0 = closed, watts.

/** "61 %RH", or null when unknown. */
export function formatHumidity(value: number | null): string | null {
  return value === null ? null : `${Math.round(value)} %RH`;
}

/** "Open" / "Closed", or null when unknown. */
export function formatDoor(value: number | null): string | null {
  if (value === null) return null;
  return value >= 1 ? 'Open' : 'Closed';
}

/** "120 W" / "1.5 kW", or null when unknown. */
export function formatPower(value: number | null): string | null {
  if (value === null) return null;
  return value >= 1_000 ? `${(value / 1_000).toFixed(1)} kW` : `${Math.round(value)} W`;
}
