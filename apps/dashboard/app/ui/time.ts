/**
 * A timestamp in the tenant's time zone ("23 Nov 2026, 14:05:09"). Formatting with an explicit
 * zone gives the server and the browser the same text, so hydration never disagrees.
 */
export function formatDateTime(iso: string | null, timeZone: string): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(new Date(iso));
}
