import {
  changeRole,
  deactivateMembership,
  inviteUser,
  listInvitations,
  listMembers,
  type Problem,
  problemResponse,
  revokeInvitation,
} from '@anythingiot/accounts';
import { type Action, can, DomainError, isDomainError, type Role } from '@anythingiot/core';
import { getTenantPreferences, listFacilities } from '@anythingiot/services';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { json } from '@remix-run/cloudflare';
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
  useSearchParams,
} from '@remix-run/react';
import { Badge, Card, TableCell, TableRow } from '@tremor/react';
import { Fragment, useEffect, useState } from 'react';
import {
  type FormFailure,
  formFailure,
  guard,
  requireMember,
  requireMemberIntent,
} from '~/server/guard.server';
import { tenantCtx } from '~/server/tenant-ctx.server';
import { DataTable } from '~/ui/data-table';
import { CheckboxGroup, Field, FormError, SelectField, Submit } from '~/ui/form';
import { LIMITED_ROLES, ROLE_INFO, ROLE_ORDER, roleLabel } from '~/ui/roles';

export const meta: MetaFunction = () => [{ title: 'Users · AnythingIoT' }];

/**
 * Members and pending invitations. Everyone with `user.read` sees the list; the controls are
 * only rendered for roles that may use them, and the owner rules (only owners touch the owner
 * role) hide controls on owner rows from admins. The server enforces all of it again.
 */
export async function loader(args: LoaderFunctionArgs) {
  const member = await requireMember(args, 'user.read');
  const { principal, app } = member;
  const ctx = app.accounts();
  const canInvite = can(principal.role, 'user.invite');
  const canManage = can(principal.role, 'user.manage');
  const isOwner = principal.role === 'owner';
  const { members, invitations, facilities, timeZone } = await guard(member, async () => {
    const tenant = tenantCtx(member);
    return {
      members: await listMembers({ ctx, principal }),
      invitations: canInvite ? await listInvitations({ ctx, principal }) : [],
      facilities: await listFacilities({ ctx: tenant }),
      timeZone: (await getTenantPreferences({ ctx: tenant })).timeZone,
    };
  });
  const facilityName = new Map(facilities.map((f) => [f.id, f.name]));
  const names = (ids: string[]) => ids.map((id) => facilityName.get(id) ?? 'Removed facility');
  const day = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });
  return {
    canInvite,
    canManage,
    grantableRoles: ROLE_ORDER.filter((role) => isOwner || role !== 'owner'),
    facilities: facilities.map((f) => ({ id: f.id, name: f.name })),
    members: members.map((m) => {
      const isMe = m.membershipId === principal.membershipId;
      return {
        membershipId: m.membershipId,
        name: m.name,
        email: m.email,
        role: m.role,
        facilityIds: m.facilityIds,
        facilities: names(m.facilityIds),
        emailVerified: m.emailVerified,
        joinedOn: day.format(m.joinedAt),
        isMe,
        // Not oneself here (leaving is its own decision), and owners only by owners.
        editable: canManage && !isMe && (isOwner || m.role !== 'owner'),
      };
    }),
    invitations: invitations.map((i) => ({
      invitationId: i.invitationId,
      email: i.email,
      role: i.role,
      facilities: names(i.facilityIds),
      expiresOn: day.format(i.expiresAt),
      editable: isOwner || i.role !== 'owner',
    })),
  };
}

/** Each form on the page names its intent; each intent needs its own permission. */
const INTENTS = {
  invite: 'user.invite',
  resend: 'user.invite',
  revoke: 'user.invite',
  'change-role': 'user.manage',
  deactivate: 'user.manage',
} as const satisfies Record<string, Action>;

/** What a form on this page answered; `target` says which row's form it was. */
export type UsersActionData = { intent: string; target: string } & (
  | { ok: string; warning?: string }
  | FormFailure
);

export async function action(args: ActionFunctionArgs) {
  const { member, form, intent } = await requireMemberIntent(args, 'user.read', INTENTS);
  const { principal, app } = member;
  const ctx = app.accounts();
  const text = (name: string) => String(form.get(name) ?? '');
  const answer = (body: { ok: string; warning?: string } | FormFailure, init?: ResponseInit) =>
    json<UsersActionData>({ intent, target: text('target'), ...body }, init);
  try {
    switch (intent) {
      case 'invite': {
        const email = text('email');
        const { emailSent } = await inviteUser({
          ctx,
          principal,
          input: {
            email,
            role: text('role') as Role,
            facilityIds: form.getAll('facilityIds').map(String),
          },
        });
        return answer(sent(`Invitation sent to ${email.trim().toLowerCase()}.`, emailSent));
      }
      case 'resend': {
        // A fresh link replaces the pending one (its token is only stored hashed, so the old
        // email cannot be sent again); the same address, role and facilities.
        const id = text('invitationId');
        const pending = await listInvitations({ ctx, principal });
        const inv = pending.find((i) => i.invitationId === id);
        if (!inv) throw new DomainError('NOT_FOUND', 'Invitation not found.');
        const { emailSent } = await inviteUser({
          ctx,
          principal,
          input: { email: inv.email, role: inv.role, facilityIds: inv.facilityIds },
        });
        return answer(sent(`A new invitation link was sent to ${inv.email}.`, emailSent));
      }
      case 'revoke':
        await revokeInvitation({ ctx, principal, input: { invitationId: text('invitationId') } });
        return answer({ ok: 'Invitation withdrawn; its link no longer works.' });
      case 'change-role': {
        const { changed } = await changeRole({
          ctx,
          principal,
          input: {
            membershipId: text('membershipId'),
            role: text('role') as Role,
            facilityIds: form.getAll('facilityIds').map(String),
            reason: text('reason') || null,
          },
        });
        return answer({ ok: changed ? 'Role saved.' : 'Nothing to change.' });
      }
      case 'deactivate':
        await deactivateMembership({
          ctx,
          principal,
          input: { membershipId: text('membershipId'), reason: text('reason') || null },
        });
        return answer({ ok: 'Member deactivated; their sessions have ended.' });
    }
  } catch (err) {
    // The owner rules are FORBIDDEN too, but they concern the target, not the caller's right
    // to be here: shown on the form that tried, not as a page error.
    if (isDomainError(err) && err.details.reason === 'owner_only') {
      const res = problemResponse(err, app.requestId);
      return answer({ problem: (await res.json()) as Problem }, { status: 403 });
    }
    const failure = await formFailure(err, app);
    return answer(await failure.json(), { status: failure.status, headers: failure.headers });
  }
}

function sent(message: string, emailSent: boolean) {
  return emailSent
    ? { ok: message }
    : {
        ok: 'The invitation was created.',
        warning: 'Its email could not be sent just now. Use “Resend” in a moment.',
      };
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

/** The answer of the form with this intent (one of them) and target, if it was the last one sent. */
function useOutcome(intents: readonly string[], target = '') {
  const data = useActionData<typeof action>();
  return data && intents.includes(data.intent) && data.target === target ? data : undefined;
}

/** True while the form with this intent and target is being submitted. */
function useBusy(intents: readonly string[], target = '') {
  const { state, formData } = useNavigation();
  return (
    state === 'submitting' &&
    intents.includes(String(formData?.get('intent'))) &&
    String(formData?.get('target') ?? '') === target
  );
}

const problemOf = (outcome: UsersActionData | undefined) =>
  outcome && 'problem' in outcome ? outcome.problem : null;

export default function Users() {
  const data = useLoaderData<typeof loader>();
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-xl font-semibold">Users</h1>
        {!data.canInvite && !data.canManage ? (
          <p className="mt-1 text-sm text-gray-600">
            You can see who has access. Only owners and admins invite people or change roles.
          </p>
        ) : null}
      </div>
      {data.canInvite ? <InviteForm data={data} /> : null}
      <Members data={data} />
      {data.canInvite ? <Invitations data={data} /> : null}
    </div>
  );
}

function InviteForm({ data }: { data: Data }) {
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

/** Table cells: tighter on a phone so the columns fit without sideways scrolling. */
const CELL = 'px-2 py-3 sm:p-4';

/** The members' and invitations' columns: on a phone, role and status sit under the first. */
const peopleColumns = (first: string, withActions: boolean) => [
  { label: first, className: CELL },
  { label: 'Role and facilities', className: `${CELL} hidden sm:table-cell` },
  { label: 'Status', className: `${CELL} hidden md:table-cell` },
  ...(withActions ? [{ label: <span className="sr-only">Actions</span>, className: CELL }] : []),
];

function Members({ data }: { data: Data }) {
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

function RoleAndFacilities({
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

function MemberStatus({ verified }: { verified: boolean }) {
  return verified ? (
    <Badge color="emerald">Active</Badge>
  ) : (
    <Badge color="amber">Email not confirmed</Badge>
  );
}

function InvitedStatus({ expiresOn }: { expiresOn: string }) {
  return (
    <div>
      <Badge color="sky">Invited</Badge>
      <div className="mt-1 text-xs text-gray-500">expires {expiresOn}</div>
    </div>
  );
}

function ManageMember({ member, data }: { member: Data['members'][number]; data: Data }) {
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

function Invitations({ data }: { data: Data }) {
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

function InvitationRow({ inv }: { inv: Data['invitations'][number] }) {
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

function RoleSelect({
  roles,
  value,
  onChange,
  problem,
  id,
}: {
  roles: Role[];
  value: Role;
  onChange: (role: Role) => void;
  problem: Problem | null;
  id: string;
}) {
  return (
    <SelectField
      label="Role"
      name="role"
      id={id}
      value={value}
      onChange={(e) => onChange(e.target.value as Role)}
      problem={problem}
      hint={ROLE_INFO[value].about}
      choices={roles.map((r) => ({ value: r, label: roleLabel(r) }))}
    />
  );
}

/** Checkboxes for the facilities an operator or vendor may see; errors for any of them below. */
function FacilityChoice({
  facilities,
  problem,
  idPrefix,
  selected,
}: {
  facilities: Data['facilities'];
  problem: Problem | null;
  idPrefix: string;
  selected: string[];
}) {
  return (
    <CheckboxGroup
      legend="Facilities"
      name="facilityIds"
      hint="Operators and vendors see only these."
      empty="Your company has no facilities yet; create one first."
      choices={facilities.map((f) => ({ value: f.id, label: f.name }))}
      checked={selected}
      problem={problem}
      idPrefix={idPrefix}
    />
  );
}

/** A form's outcome: the success sentence as a status, a refusal as an alert. */
function Outcome({
  result,
  fields,
  compact,
}: {
  result: UsersActionData | undefined;
  fields: readonly string[];
  compact?: boolean;
}) {
  if (!result) return null;
  if ('problem' in result) {
    // Facility errors are per index (`facilityIds.2`): the checkbox group shows them.
    const errors = result.problem.errors ?? [];
    const allShown =
      errors.length > 0 &&
      errors.every((e) => fields.some((f) => e.path === f || e.path.startsWith(`${f}.`)));
    return allShown ? null : <FormError problem={result.problem} fields={[]} />;
  }
  return (
    <div role="status" className={compact ? 'text-xs text-gray-700' : 'text-sm text-gray-700'}>
      <p className={compact ? '' : 'rounded-md bg-emerald-50 p-3 text-emerald-900'}>{result.ok}</p>
      {result.warning ? <p className="mt-1 text-amber-800">{result.warning}</p> : null}
    </div>
  );
}
