import { DomainError } from '@anythingiot/core';

/** Another tenant's device, a malformed id and a missing one all look the same from outside. */
export const deviceNotFound = (id: string) =>
  new DomainError('NOT_FOUND', `No device ${id} in this tenant.`, { reason: 'not_found' });
