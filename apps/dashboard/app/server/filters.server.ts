import { type Problem, problemResponse } from '@anythingiot/accounts';
import { DomainError, type FieldError, isDomainError } from '@anythingiot/core';
import type { z } from 'zod';
import { startOfDay } from './zoned-date.server';

/** Field errors of a zod parse, with the field's name as the path (what the forms show). */
export function zodFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/**
 * A "from"/"to" day filter (`YYYY-MM-DD`, both days inclusive) as the instants it spans in the
 * tenant's time zone: `from` at the start of its day, `to` at the start of the day after.
 */
export function dayRange(
  days: { from?: string | undefined; to?: string | undefined },
  timeZone: string,
): { from?: Date; to?: Date; errors: FieldError[] } {
  const from = days.from ? startOfDay(days.from, timeZone) : undefined;
  const to = days.to ? startOfDay(days.to, timeZone, true) : undefined;
  const errors: FieldError[] = [];
  if (from === null) errors.push({ path: 'from', message: 'Not a calendar date.' });
  if (to === null) errors.push({ path: 'to', message: 'Not a calendar date.' });
  if (from && to && from >= to) errors.push({ path: 'to', message: 'Must not be before “from”.' });
  return { ...(from ? { from } : {}), ...(to ? { to } : {}), errors };
}

/** The 422 problem a page shows above (and beside) its filter form. */
export async function filterProblem(errors: FieldError[], requestId: string): Promise<Problem> {
  const err = new DomainError(
    'VALIDATION',
    'Some filters are not valid; fix them and apply again.',
    {
      errors,
    },
  );
  return (await problemResponse(err, requestId).json()) as Problem;
}

/**
 * Runs a listing; a validation refusal (e.g. a cursor someone edited) becomes the page's filter
 * problem instead of failing the whole page. Anything else propagates.
 */
export async function listOrProblem<T>(
  run: () => Promise<T>,
  requestId: string,
): Promise<{ ok: T } | { problem: Problem }> {
  try {
    return { ok: await run() };
  } catch (err) {
    if (isDomainError(err) && err.code === 'VALIDATION') {
      return { problem: (await problemResponse(err, requestId).json()) as Problem };
    }
    throw err;
  }
}
