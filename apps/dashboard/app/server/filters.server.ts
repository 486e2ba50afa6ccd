import { type Problem, problemResponse } from '@anythingiot/accounts';
import { type FieldError, isDomainError } from '@anythingiot/core';
import { z } from 'zod';
import type { AppContext } from './context.server';
import { invalidInput, zodFieldErrors } from './validation.server';
import { startOfDay } from './zoned-date.server';

/** A filter left blank in the form is no filter. */
export const blankIsAbsent = (v: unknown) => (v === '' ? undefined : v);

/** A "from"/"to" day of a filter form (`YYYY-MM-DD`). */
export const dayParam = z.preprocess(
  blankIsAbsent,
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-03-01.')
    .optional(),
);

/** The keyset cursor of a "next page" link. */
export const cursorParam = z.preprocess(blankIsAbsent, z.string().max(200).optional());

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

type Days = { from?: string | undefined; to?: string | undefined };
type Parsed<T> = { success: true; data: T } | { success: false; error: z.ZodError };

/**
 * A list page's parsed query string with its "from"/"to" days as instants in the tenant's zone;
 * `errors` names every field that is not a valid filter (the query is empty then).
 */
export function listQuery<T extends Days>(
  parsed: Parsed<T>,
  timeZone: string,
): { query: Partial<Omit<T, 'from' | 'to'>> & { from?: Date; to?: Date }; errors: FieldError[] } {
  if (!parsed.success) return { query: {}, errors: zodFieldErrors(parsed.error) };
  const { from, to, ...rest } = parsed.data;
  const { errors, ...range } = dayRange({ from, to }, timeZone);
  return { query: { ...rest, ...range }, errors };
}

/** The 422 problem a page shows above (and beside) its filter form. */
async function filterProblem(errors: FieldError[], requestId: string): Promise<Problem> {
  const err = invalidInput(errors, 'Some filters are not valid; fix them and apply again.');
  return (await problemResponse(err, requestId).json()) as Problem;
}

/**
 * One page of a filtered listing, or the problem the page shows beside its filters instead: the
 * query's field errors, or a validation refusal of the listing itself (e.g. a cursor someone
 * edited). Anything else propagates.
 */
export async function listPage<T>(
  app: Pick<AppContext, 'requestId'>,
  errors: FieldError[],
  run: () => Promise<T>,
): Promise<{ ok: T } | { problem: Problem }> {
  if (errors.length > 0) return { problem: await filterProblem(errors, app.requestId) };
  try {
    return { ok: await run() };
  } catch (err) {
    if (isDomainError(err) && err.code === 'VALIDATION') {
      return { problem: (await problemResponse(err, app.requestId).json()) as Problem };
    }
    throw err;
  }
}
