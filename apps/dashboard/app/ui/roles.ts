import type { Role } from '@anythingiot/core';

/**
 * Role names and one-line descriptions for the browser (core's runtime values would ship zod
 * to the client). `satisfies` keeps the list complete: a new role in core fails the typecheck.
 */
export const ROLE_INFO = {
  owner: { label: 'Owner', about: 'Everything, including billing and other owners.' },
  admin: { label: 'Admin', about: 'Everything but billing: people, facilities, devices, keys.' },
  manager: { label: 'Manager', about: 'Runs operations: devices, alerts, rules, reports.' },
  operator: { label: 'Operator', about: 'Watches and handles alerts at their facilities.' },
  auditor: {
    label: 'Auditor',
    about: 'Reads everything, including the audit log; changes nothing.',
  },
  vendor: { label: 'Vendor', about: 'Service partner: services devices at their facilities.' },
} as const satisfies Record<Role, { label: string; about: string }>;

export const ROLE_ORDER = Object.keys(ROLE_INFO) as Role[];

/** Roles limited to the facilities on their membership (core's FACILITY_LIMITED_ROLES). */
export const LIMITED_ROLES: readonly Role[] = ['operator', 'vendor'];

export function roleLabel(role: Role): string {
  return ROLE_INFO[role].label;
}
