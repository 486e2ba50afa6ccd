import { z } from 'zod';

/**
 * Roles from the customer's guide, most privileged first. `auditor` reads everything including
 * the audit log and changes nothing; `vendor` is a service partner limited to assigned
 * facilities.
 */
export const ROLES = ['owner', 'admin', 'manager', 'operator', 'auditor', 'vendor'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const INDUSTRIES = ['pharma', 'food', 'chemical', 'other'] as const;
export const IndustrySchema = z.enum(INDUSTRIES);
export type Industry = z.infer<typeof IndustrySchema>;

export const FACILITY_TYPES = [
  'warehouse',
  'cold_room',
  'transport',
  'pharmacy',
  'laboratory',
  'clinic',
  'store',
  'other',
] as const;
export const FacilityTypeSchema = z.enum(FACILITY_TYPES);
export type FacilityType = z.infer<typeof FacilityTypeSchema>;

export const TEMPERATURE_UNITS = ['C', 'F'] as const;
export const TemperatureUnitSchema = z.enum(TEMPERATURE_UNITS);
