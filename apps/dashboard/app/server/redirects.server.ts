/**
 * Where to go after logging in: only a path on this site (`/…`, never `//host` or a URL), so a
 * crafted link cannot send someone elsewhere after they typed their password.
 */
export function safeNext(next: FormDataEntryValue | string | null | undefined): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//')) return '/';
  if (next.startsWith('/\\')) return '/';
  return next;
}
