import type { FacilityType } from '@anythingiot/core';

/**
 * Facility types as people read them, in the order the form offers them. `satisfies` keeps the
 * list complete: a type added in core fails the typecheck here (core's runtime list would ship
 * zod to the browser).
 */
export const FACILITY_TYPE_LABEL = {
  cold_room: 'Cold room',
  warehouse: 'Warehouse',
  transport: 'Transport (vehicle)',
  pharmacy: 'Pharmacy',
  laboratory: 'Laboratory',
  clinic: 'Clinic',
  store: 'Store',
  other: 'Other',
} as const satisfies Record<FacilityType, string>;

export const FACILITY_TYPES = Object.keys(FACILITY_TYPE_LABEL) as FacilityType[];
