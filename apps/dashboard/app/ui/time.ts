/**
 * "23 Nov 2026, 14:05" in the tenant's time zone, or with `seconds` "23 Nov 2026, 14:05:09".
 * Formatting with an explicit zone gives the server and the browser the same text, so
 * hydration never disagrees.
 */
export function dateTimeFormat(timeZone: string, seconds = false): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(seconds ? { second: '2-digit' } : {}),
  });
}

/** A timestamp in the tenant's time zone, to the second ("23 Nov 2026, 14:05:09"). */
export function formatDateTime(iso: string | null, timeZone: string): string {
  if (!iso) return '—';
  return dateTimeFormat(timeZone, true).format(new Date(iso));
}

/** "3 min", "2 h 5 min", "4 d 3 h": a span for people. */
export function durationLabel(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}
