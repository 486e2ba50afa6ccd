import { DomainError } from '@anythingiot/core';

/** Another tenant's device, a malformed id and a missing one all look the same from outside. */
export const deviceNotFound = (id: string) =>
  new DomainError('NOT_FOUND', `No device ${id} in this tenant.`, { reason: 'not_found' });

export const unknownFacility = (id: string) =>
  new DomainError('VALIDATION', `No facility ${id} in this tenant.`, {
    errors: [{ path: 'facilityId', message: 'no such facility in this tenant' }],
  });
