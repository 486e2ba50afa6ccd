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
