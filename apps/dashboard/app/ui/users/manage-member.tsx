import type { Role } from '@anythingiot/core';
import { Form } from '@remix-run/react';
import { useState } from 'react';
import { Field, Submit } from '~/ui/form';
import { LIMITED_ROLES } from '~/ui/roles';
import { Outcome, problemOf, useBusy, useOutcome } from './outcome';
import { FacilityChoice, RoleSelect } from './role-fields';
import type { UsersPageData as Data, MemberRow } from './types';

/** A member's role (with facilities and a reason for the audit log) and deactivation. */
export function ManageMember({ member, data }: { member: MemberRow; data: Data }) {
  const target = member.membershipId;
  const roleOutcome = useOutcome(['change-role'], target);
  const removeOutcome = useOutcome(['deactivate'], target);
  const [role, setRole] = useState<Role>(member.role);
  const problem = problemOf(roleOutcome);
  const who = member.name || member.email;
  return (
    <div id={`edit-${target}`} className="grid gap-6 py-2 lg:grid-cols-3">
      <Form method="post" className="space-y-4 lg:col-span-2" noValidate preventScrollReset>
        <h3 className="font-semibold">Role of {who}</h3>
        <input type="hidden" name="intent" value="change-role" />
        <input type="hidden" name="target" value={target} />
        <input type="hidden" name="membershipId" value={target} />
        <Outcome result={roleOutcome} fields={['role', 'facilityIds', 'reason']} />
        <RoleSelect
          roles={data.grantableRoles}
          value={role}
          onChange={setRole}
          problem={problem}
          id={`role-${target}`}
        />
        {LIMITED_ROLES.includes(role) ? (
          <FacilityChoice
            facilities={data.facilities}
            problem={problem}
            idPrefix={target}
            selected={member.facilityIds}
          />
        ) : null}
        <Field
          label="Reason (optional, kept in the audit log)"
          name="reason"
          id={`reason-${target}`}
          problem={problem}
        />
        <Submit busy={useBusy(['change-role'], target)}>Save role</Submit>
      </Form>
      <Form method="post" className="space-y-3" preventScrollReset>
        <h3 className="font-semibold">Remove access</h3>
        <input type="hidden" name="intent" value="deactivate" />
        <input type="hidden" name="target" value={target} />
        <input type="hidden" name="membershipId" value={target} />
        <p className="text-sm text-gray-600">
          {who} can no longer open this company; their sessions end at once. A new invitation brings
          them back.
        </p>
        <Outcome result={removeOutcome} fields={[]} />
        <Submit busy={useBusy(['deactivate'], target)} variant="danger">
          Deactivate {who}
        </Submit>
      </Form>
    </div>
  );
}
