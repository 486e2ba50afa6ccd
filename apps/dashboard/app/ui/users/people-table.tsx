import type { Role } from '@anythingiot/core';
import { Badge } from '@tremor/react';
import { roleLabel } from '~/ui/roles';

/** Table cells: tighter on a phone so the columns fit without sideways scrolling. */
export const CELL = 'px-2 py-3 sm:p-4';

/** The members' and invitations' columns: on a phone, role and status sit under the first. */
export const peopleColumns = (first: string, withActions: boolean) => [
  { label: first, className: CELL },
  { label: 'Role and facilities', className: `${CELL} hidden sm:table-cell` },
  { label: 'Status', className: `${CELL} hidden md:table-cell` },
  ...(withActions ? [{ label: <span className="sr-only">Actions</span>, className: CELL }] : []),
];

/** The role badge and the facilities it is limited to. */
export function RoleAndFacilities({
  role,
  facilities,
  invited,
}: {
  role: Role;
  facilities: string[];
  invited?: boolean;
}) {
  return (
    <div>
      <Badge color={invited ? 'gray' : role === 'owner' ? 'violet' : 'blue'}>
        {roleLabel(role)}
      </Badge>
      <div className="mt-1 text-xs text-gray-600">
        {facilities.length > 0 ? facilities.join(', ') : 'All facilities'}
      </div>
    </div>
  );
}

export function MemberStatus({ verified }: { verified: boolean }) {
  return verified ? (
    <Badge color="emerald">Active</Badge>
  ) : (
    <Badge color="amber">Email not confirmed</Badge>
  );
}

export function InvitedStatus({ expiresOn }: { expiresOn: string }) {
  return (
    <div>
      <Badge color="sky">Invited</Badge>
      <div className="mt-1 text-xs text-gray-500">expires {expiresOn}</div>
    </div>
  );
}
