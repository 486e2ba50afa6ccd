import { DomainError, type FieldError } from '@anythingiot/core';
import { z } from 'zod';

/** An email address as we store it: trimmed and lower-cased (one account per address). */
export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'Use at most 254 characters.')
  .pipe(z.email('Enter a valid email address.'));

/** An IANA time zone the runtime knows (`Europe/Berlin`), checked with Intl. */
export const TimeZoneSchema = z
  .string()
  .trim()
  .min(1, 'Choose a time zone.')
  .refine(isTimeZone, 'Choose a time zone from the list, e.g. Europe/Berlin.');

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses `input` and throws one VALIDATION error carrying every field error — the schema's and
 * `extra`'s (checks that need the parsed value, like the password policy) — so a form can show
 * them all at once next to their fields.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  extra?: (value: z.output<S>) => FieldError[],
): z.output<S> {
  const result = schema.safeParse(input);
  const errors: FieldError[] = result.success
    ? []
    : result.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
  if (result.success && extra) errors.push(...extra(result.data));
  if (!result.success || errors.length > 0) {
    throw new DomainError('VALIDATION', 'Some fields need attention.', { errors });
  }
  return result.data;
}

/** The answer for a mailed link that is unknown, used, expired or revoked — all alike. */
export function invalidLink(what: string): DomainError {
  return new DomainError('VALIDATION', `This ${what} link is invalid or has expired.`, {
    reason: 'invalid_token',
    errors: [{ path: 'token', message: `This ${what} link is invalid or has expired.` }],
  });
}
