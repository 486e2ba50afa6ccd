/**
 * Where to go after logging in: a path and query on this site, never another host. `next` is
 * resolved the way a browser would resolve a `Location` (against the app's own origin, with
 * tabs and newlines dropped and backslashes read as slashes), the result must have the app's
 * origin, and only its path + query are returned — so `/\t/evil.example`, `/\evil.example`,
 * `https:evil.example` and friends, which a prefix check let through and browsers turn into
 * `//evil.example`, all become `/`.
 */
export function safeNext(
  next: FormDataEntryValue | string | null | undefined,
  appUrl: string,
): string {
  if (typeof next !== 'string' || next === '') return '/';
  // Any control character or backslash is refused outright: no real link of ours has one, and
  // browsers differ in how they read them.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are the point
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return '/';
  const origin = new URL(appUrl).origin;
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return '/';
  }
  if (url.origin !== origin || url.username !== '' || url.password !== '') return '/';
  // `/.//evil.example` resolves to the path `//evil.example`, which as a Location is a host.
  if (!url.pathname.startsWith('/') || url.pathname.startsWith('//')) return '/';
  return `${url.pathname}${url.search}`;
}
