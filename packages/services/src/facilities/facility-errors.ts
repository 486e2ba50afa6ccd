import { DomainError } from '@anythingiot/core';

/** A facility outside the tenant, for a caller who may know every facility of it. */
export const unknownFacility = (id: string, path = 'facilityId') =>
  new DomainError('VALIDATION', `No facility ${id} in this tenant.`, {
    errors: [{ path, message: 'no such facility in this tenant' }],
  });

/**
 * Another tenant's facility, a malformed id, a missing one and — for a caller limited to
 * facilities — one outside its list all answer alike (core's `authorize` says the same), so an
 * id reveals nothing.
 */
export const facilityNotFound = (id: string) =>
  new DomainError('NOT_FOUND', `No facility ${id} in this tenant.`, {
    reason: 'facility_not_found',
  });

/** Something only a caller who sees every facility may do. */
export const facilityLimited = (what: string) =>
  new DomainError('FORBIDDEN', `${what} needs access to every facility.`, {
    reason: 'facility_limited',
  });
