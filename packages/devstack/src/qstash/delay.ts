const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;

// QStash's duration format: whole numbers with units in descending order, e.g. `10s`, `5m`,
// `1d10h30m`. A bare number, a fraction or a unit out of order is refused, as QStash refuses it.
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Parses a QStash duration (`10s`, `5m`, `1h`, `1d`, `1d10h30m`) into milliseconds; null if malformed. */
export function parseDuration(value: string): number | null {
  const match = DURATION.exec(value.trim());
  if (!match || value.trim() === '') return null;
  const [, d, h, m, s] = match;
  const ms =
    Number(d ?? 0) * UNIT_MS.d +
    Number(h ?? 0) * UNIT_MS.h +
    Number(m ?? 0) * UNIT_MS.m +
    Number(s ?? 0) * UNIT_MS.s;
  return Number.isSafeInteger(ms) ? ms : null;
}

/** Parses `Upstash-Not-Before` (unix seconds) into epoch milliseconds; null if malformed. */
export function parseUnixSeconds(value: string): number | null {
  const trimmed = value.trim();
  if (!/^\d{1,12}$/.test(trimmed)) return null;
  return Number(trimmed) * 1000;
}
