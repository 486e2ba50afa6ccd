import { type Action, can, type Role } from '@anythingiot/core';

export type NavItem = { to: string; label: string; needs: Action };

/** The sections of the app, each shown only to roles that may open it. */
export const NAV: readonly NavItem[] = [
  { to: '/', label: 'Overview', needs: 'facility.read' },
  { to: '/alerts', label: 'Alerts', needs: 'alert.read' },
  { to: '/devices', label: 'Devices', needs: 'device.read' },
  { to: '/facilities', label: 'Facilities', needs: 'facility.read' },
  { to: '/settings/users', label: 'Users', needs: 'user.read' },
  { to: '/settings/api-keys', label: 'API keys', needs: 'api_key.manage' },
  { to: '/audit', label: 'Audit log', needs: 'audit.read' },
];

export function navFor(role: Role): NavItem[] {
  return NAV.filter((item) => can(role, item.needs));
}
