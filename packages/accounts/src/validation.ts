import { DomainError, type FieldError, facilityScopeErrors, RoleSchema } from '@anythingiot/core';
import { z } from 'zod';
import { passwordErrors } from './password/policy.js';

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
 * `extra`'s (rules that look at several fields, like the password policy, which needs the
 * email) — so a form can show them all at once next to their fields. `extra` sees the raw
 * input even when the schema failed, and only adds errors for paths the schema did not flag.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  extra?: (raw: Record<string, unknown>) => FieldError[],
): z.output<S> {
  const result = schema.safeParse(input);
  const errors: FieldError[] = result.success
    ? []
    : result.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
  if (extra) {
    const raw =
      typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
    const flagged = new Set(errors.map((e) => e.path));
    errors.push(...extra(raw).filter((e) => !flagged.has(e.path)));
  }
  if (!result.success || errors.length > 0) {
    throw new DomainError('VALIDATION', 'Some fields need attention.', { errors });
  }
  return result.data;
}

/** The password policy as an `extra` check, for a form whose email is known or in the input. */
export function passwordRule(email?: string) {
  return (raw: Record<string, unknown>): FieldError[] => {
    const address = email ?? (typeof raw.email === 'string' ? raw.email : '');
    return typeof raw.password === 'string' ? passwordErrors(raw.password, address) : [];
  };
}

/** The facility-scope rule as an `extra` check (role and facility list must agree). */
export function facilityScopeRule(raw: Record<string, unknown>): FieldError[] {
  const role = RoleSchema.safeParse(raw.role);
  const ids = z.array(z.string()).safeParse(raw.facilityIds ?? []);
  return role.success && ids.success ? facilityScopeErrors(role.data, ids.data) : [];
}

/** The answer for a mailed link that is unknown, used, expired or revoked — all alike. */
export function invalidLink(what: string): DomainError {
  return new DomainError('VALIDATION', `This ${what} link is invalid or has expired.`, {
    reason: 'invalid_token',
    errors: [{ path: 'token', message: `This ${what} link is invalid or has expired.` }],
  });
}
