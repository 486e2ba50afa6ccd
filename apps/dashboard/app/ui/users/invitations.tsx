import { Form } from '@remix-run/react';
import { Card, TableCell, TableRow } from '@tremor/react';
import { DataTable } from '~/ui/data-table';
import { Submit } from '~/ui/form';
import { Outcome, useBusy, useOutcome } from './outcome';
import { CELL, InvitedStatus, peopleColumns, RoleAndFacilities } from './people-table';
import type { UsersPageData as Data, InvitationRowData } from './types';

/** Pending invitations, each with "Resend" and "Revoke". */
export function Invitations({ data }: { data: Data }) {
  return (
    <Card>
      <h2 className="text-lg font-semibold">
        Pending invitations{' '}
        <span className="font-normal text-gray-500">({data.invitations.length})</span>
      </h2>
      {data.invitations.length === 0 ? (
        <p className="mt-2 text-sm text-gray-600">No invitations are waiting for an answer.</p>
      ) : (
        <DataTable framed={false} className="relative mt-4" columns={peopleColumns('Email', true)}>
          {data.invitations.map((inv) => (
            <InvitationRow key={inv.invitationId} inv={inv} />
          ))}
        </DataTable>
      )}
    </Card>
  );
}

function InvitationRow({ inv }: { inv: InvitationRowData }) {
  // Targeted by address: "Resend" replaces the invitation (a new id) and should still say so.
  const outcome = useOutcome(['resend', 'revoke'], inv.email);
  const busy = useBusy(['resend', 'revoke'], inv.email);
  return (
    <TableRow data-testid="invitation-row">
      <TableCell className={`${CELL} whitespace-normal`}>
        <div className="break-all font-medium text-gray-900">{inv.email}</div>
        <div className="mt-2 space-y-1 sm:hidden">
          <RoleAndFacilities role={inv.role} facilities={inv.facilities} invited />
          <InvitedStatus expiresOn={inv.expiresOn} />
        </div>
      </TableCell>
      <TableCell className={`${CELL} hidden whitespace-normal sm:table-cell`}>
        <RoleAndFacilities role={inv.role} facilities={inv.facilities} invited />
        <div className="mt-1 md:hidden">
          <InvitedStatus expiresOn={inv.expiresOn} />
        </div>
      </TableCell>
      <TableCell className={`${CELL} hidden md:table-cell`}>
        <InvitedStatus expiresOn={inv.expiresOn} />
      </TableCell>
      <TableCell className={`${CELL} whitespace-normal text-right`}>
        {inv.editable ? (
          <Form
            method="post"
            className="flex flex-col items-end gap-2 sm:flex-row sm:justify-end"
            preventScrollReset
          >
            <input type="hidden" name="invitationId" value={inv.invitationId} />
            <input type="hidden" name="target" value={inv.email} />
            <Submit intent="resend" busy={busy} variant="secondary">
              Resend<span className="sr-only"> the invitation to {inv.email}</span>
            </Submit>
            <Submit intent="revoke" busy={busy} variant="secondary">
              Revoke<span className="sr-only"> the invitation to {inv.email}</span>
            </Submit>
          </Form>
        ) : null}
        <div className="mt-1 text-left sm:text-right">
          <Outcome result={outcome} fields={[]} compact />
        </div>
      </TableCell>
    </TableRow>
  );
}
