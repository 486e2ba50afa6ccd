/** The offset (ms) of `timeZone` from UTC at the instant `utcMs`. */
export function offsetAt(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return local - Math.floor(utcMs / 1_000) * 1_000;
}

/**
 * The instant a calendar day (`YYYY-MM-DD`) begins in `timeZone` — what "from 3 March" means to
 * someone working in that zone. `dayAfter` gives the start of the next day (an inclusive "to").
 * Null for a string that is not a real date.
 */
export function startOfDay(date: string, timeZone: string, dayAfter = false): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (dayAfter ? 1 : 0)];
  const midnightUtc = Date.UTC(y, mo, d);
  const check = new Date(Date.UTC(y, mo, Number(m[3])));
  if (check.getUTCMonth() !== mo || check.getUTCDate() !== Number(m[3])) return null;
  // Two rounds: the offset at the guess can differ from the offset at the answer near DST.
  let guess = midnightUtc - offsetAt(midnightUtc, timeZone);
  guess = midnightUtc - offsetAt(guess, timeZone);
  return new Date(guess);
}
