import type { Connectivity } from '@anythingiot/services';

/** How a device is doing, as a Tremor badge colour and a word (never colour alone). */
export const CONNECTIVITY = {
  online: { color: 'emerald', label: 'Online' },
  offline: { color: 'red', label: 'Offline' },
  never_reported: { color: 'blue', label: 'Never reported' },
  revoked: { color: 'gray', label: 'Revoked' },
} as const satisfies Record<Connectivity, { color: string; label: string }>;

export const CONNECTIVITY_ORDER = Object.keys(CONNECTIVITY) as Connectivity[];
