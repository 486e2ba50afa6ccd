import { Link, useSearchParams } from '@remix-run/react';
import { Card, TableCell, TableRow } from '@tremor/react';
import { Fragment } from 'react';
import { DataTable } from '~/ui/data-table';
import { ManageMember } from './manage-member';
import { CELL, MemberStatus, peopleColumns, RoleAndFacilities } from './people-table';
import type { UsersPageData as Data } from './types';

/** The company's members; "Manage" opens a member's role and deactivation forms. */
export function Members({ data }: { data: Data }) {
  // The open "Manage" panel lives in the URL, so the link works before (or without) scripts.
  const [params] = useSearchParams();
  const open = params.get('manage');
  return (
    <Card>
      <h2 className="text-lg font-semibold">
        Members <span className="font-normal text-gray-500">({data.members.length})</span>
      </h2>
      <DataTable
        framed={false}
        className="relative mt-4"
        columns={peopleColumns('Person', data.canManage)}
      >
        {data.members.map((m) => {
          const who = m.name || m.email;
          const isOpen = m.editable && open === m.membershipId;
          return (
            <Fragment key={m.membershipId}>
              <TableRow data-testid="member-row">
                <TableCell className={`${CELL} whitespace-normal`}>
                  <div className="font-medium text-gray-900">
                    {who}
                    {m.isMe ? <span className="ml-1 text-gray-500">(you)</span> : null}
                  </div>
                  <div className="break-all text-gray-500">{m.email}</div>
                  {/* On a phone the role and status sit under the person. */}
                  <div className="mt-2 space-y-1 sm:hidden">
                    <RoleAndFacilities role={m.role} facilities={m.facilities} />
                    <MemberStatus verified={m.emailVerified} />
                  </div>
                </TableCell>
                <TableCell className={`${CELL} hidden whitespace-normal sm:table-cell`}>
                  <RoleAndFacilities role={m.role} facilities={m.facilities} />
                  <div className="mt-1 md:hidden">
                    <MemberStatus verified={m.emailVerified} />
                  </div>
                </TableCell>
                <TableCell className={`${CELL} hidden md:table-cell`}>
                  <MemberStatus verified={m.emailVerified} />
                  <div className="mt-1 text-xs text-gray-500">since {m.joinedOn}</div>
                </TableCell>
                {data.canManage ? (
                  <TableCell className={`${CELL} text-right`}>
                    {m.editable ? (
                      <Link
                        to={{ search: isOpen ? '' : `?manage=${m.membershipId}` }}
                        preventScrollReset
                        replace
                        className="inline-block rounded-md px-3 py-1.5 text-sm font-medium text-blue-700 ring-1 ring-inset ring-gray-300 hover:bg-gray-50"
                        aria-expanded={isOpen}
                        aria-controls={isOpen ? `edit-${m.membershipId}` : undefined}
                        aria-label={`${isOpen ? 'Close' : 'Manage'} ${who}`}
                      >
                        {isOpen ? 'Close' : 'Manage'}
                      </Link>
                    ) : null}
                  </TableCell>
                ) : null}
              </TableRow>
              {isOpen ? (
                <TableRow>
                  <TableCell colSpan={4} className={`${CELL} whitespace-normal bg-gray-50`}>
                    <ManageMember member={m} data={data} />
                  </TableCell>
                </TableRow>
              ) : null}
            </Fragment>
          );
        })}
      </DataTable>
    </Card>
  );
}
