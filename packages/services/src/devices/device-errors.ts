import { DomainError } from '@anythingiot/core';

/** Another tenant's device, a malformed id and a missing one all look the same from outside. */
export const deviceNotFound = (id: string) =>
  new DomainError('NOT_FOUND', `No device ${id} in this tenant.`, { reason: 'not_found' });

/** A facility outside the tenant, for a caller who may know every facility of it. */
export const unknownFacility = (id: string, path = 'facilityId') =>
  new DomainError('VALIDATION', `No facility ${id} in this tenant.`, {
    errors: [{ path, message: 'no such facility in this tenant' }],
  });

/**
 * A facility outside a limited caller's list answers like one that does not exist (core's
 * `authorize` says the same), so its id reveals nothing.
 */
export const facilityNotFound = (id: string) =>
  new DomainError('NOT_FOUND', `No facility ${id} in this tenant.`, {
    reason: 'facility_not_found',
  });
