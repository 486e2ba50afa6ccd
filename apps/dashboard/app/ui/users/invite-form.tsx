import type { Problem } from '@anythingiot/accounts';
import type { Role } from '@anythingiot/core';
import { Form } from '@remix-run/react';
import { Card } from '@tremor/react';
import { useEffect, useState } from 'react';
import { Field, Submit } from '~/ui/form';
import { LIMITED_ROLES } from '~/ui/roles';
import { Outcome, problemOf, useBusy, useOutcome } from './outcome';
import { FacilityChoice, RoleSelect } from './role-fields';
import type { UsersPageData as Data } from './types';

/** Invite by email with a role (and facilities for the limited roles). */
export function InviteForm({ data }: { data: Data }) {
  const outcome = useOutcome(['invite']);
  // After a sent invitation the fields start afresh: a new key remounts them (a form reset
  // would leave the controlled role select and its hint disagreeing).
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (outcome && 'ok' in outcome) setRound((n) => n + 1);
  }, [outcome]);
  return (
    <Card>
      <h2 className="text-lg font-semibold">Invite someone</h2>
      <Form method="post" className="mt-4 space-y-5" noValidate preventScrollReset>
        <input type="hidden" name="intent" value="invite" />
        <Outcome result={outcome} fields={['email', 'role', 'facilityIds']} />
        <InviteFields key={round} data={data} problem={problemOf(outcome)} />
        <Submit busy={useBusy(['invite'])}>Send invitation</Submit>
      </Form>
    </Card>
  );
}

function InviteFields({ data, problem }: { data: Data; problem: Problem | null }) {
  const [role, setRole] = useState<Role>('operator');
  return (
    <>
      <div className="grid gap-5 sm:grid-cols-2">
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="off"
          required
          problem={problem}
        />
        <RoleSelect
          roles={data.grantableRoles}
          value={role}
          onChange={setRole}
          problem={problem}
          id="invite-role"
        />
      </div>
      {LIMITED_ROLES.includes(role) ? (
        <FacilityChoice
          facilities={data.facilities}
          problem={problem}
          idPrefix="invite"
          selected={[]}
        />
      ) : null}
    </>
  );
}
