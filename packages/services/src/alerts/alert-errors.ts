import { DomainError } from '@anythingiot/core';

/** Another tenant's alert, a malformed id and a missing one all answer the same. */
export const alertNotFound = (id: string) =>
  new DomainError('NOT_FOUND', `No alert ${id} in this tenant.`, { reason: 'not_found' });
