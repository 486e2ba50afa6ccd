import { DomainError } from '@anythingiot/core';

/** Another tenant's command, one of a device outside the caller's facilities, a malformed id and a missing one all look the same. */
export const commandNotFound = (id: string) =>
  new DomainError('NOT_FOUND', `No command ${id} in this tenant.`, { reason: 'not_found' });
