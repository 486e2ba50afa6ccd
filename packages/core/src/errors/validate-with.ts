import type { z } from 'zod';
import { DomainError, type FieldError } from './domain-error.js';

/** Field errors of a zod failure as `{path, message}` with dotted paths (`condition.low`). */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/**
 * Parses untrusted input (a form, a JSON body) with `schema`, or throws VALIDATION carrying
 * every field error at once (→ 422), reason `invalid_<what>`: `what` names the thing, e.g.
 * `facility` → "The facility is invalid.", `invalid_facility`.
 */
export function validateWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new DomainError('VALIDATION', `The ${what} is invalid.`, {
    reason: `invalid_${what.replaceAll(' ', '_')}`,
    errors: fieldErrors(parsed.error),
  });
}
