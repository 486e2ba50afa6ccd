import { DomainError, type FieldError } from '@anythingiot/core';

/** Another tenant's resource, a malformed id and a missing one all answer the same. */
export const notFound = (what: string, id: string) =>
  new DomainError('NOT_FOUND', `No ${what} ${id} in this tenant.`, { reason: 'not_found' });

/** Input that is well-formed but names things this tenant does not have. */
export const invalidFields = (errors: FieldError[]) =>
  new DomainError('VALIDATION', 'The request has invalid fields.', { errors });
