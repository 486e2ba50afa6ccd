import { DomainError, type FieldError } from '@anythingiot/core';
import type { z } from 'zod';

/** Field errors of a zod parse, with the field's name as the path (what the forms show). */
export function zodFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/**
 * The 422 refusal of a form or a filter: its field errors (a zod parse's, or listed) under one
 * sentence for the form as a whole.
 */
export function invalidInput(
  errors: z.ZodError | FieldError[],
  message = 'Check the highlighted fields.',
): DomainError {
  return new DomainError('VALIDATION', message, {
    errors: Array.isArray(errors) ? errors : zodFieldErrors(errors),
  });
}
