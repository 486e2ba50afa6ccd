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
import {
  type Action,
  authorize,
  can,
  DomainError,
  isDomainError,
  type Role,
} from '@anythingiot/core';
import { getTenantPreferences, listFacilities } from '@anythingiot/services';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { json } from '@remix-run/cloudflare';
import { useFetcher, useLoaderData } from '@remix-run/react';
import {
  Badge,
  Card,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeaderCell,
  TableRow,
} from '@tremor/react';
import { Fragment, useEffect, useRef, useState } from 'react';
import {
  type FormFailure,
  formFailure,
  guard,
  requireMember,
  requireMemberAction,
} from '~/server/guard.server';
import { tenantCtx } from '~/server/tenant-ctx.server';
import { Field, FormError, SelectField, Submit } from '~/ui/form';
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
type Intent = keyof typeof INTENTS;

export type UsersActionData = { ok: string; warning?: string } | FormFailure;

export async function action(args: ActionFunctionArgs) {
  const member = await requireMemberAction(args, 'user.read');
  const { principal, app } = member;
  const form = await args.request.formData();
  const intent = String(form.get('intent') ?? '');
  if (!(intent in INTENTS)) {
    throw problemResponse(
      new DomainError('BAD_REQUEST', 'Unknown action.', { reason: 'unknown_intent' }),
      app.requestId,
    );
  }
  await guard(member, () => authorize(principal, INTENTS[intent as Intent]));
  const ctx = app.accounts();
  const text = (name: string) => String(form.get(name) ?? '');
  try {
    switch (intent as Intent) {
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
        return sent(`Invitation sent to ${email.trim().toLowerCase()}.`, emailSent);
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
        return sent(`A new invitation link was sent to ${inv.email}.`, emailSent);
      }
      case 'revoke':
        await revokeInvitation({ ctx, principal, input: { invitationId: text('invitationId') } });
        return json<UsersActionData>({ ok: 'Invitation withdrawn; its link no longer works.' });
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
        return json<UsersActionData>({ ok: changed ? 'Role saved.' : 'Nothing to change.' });
      }
      case 'deactivate':
        await deactivateMembership({
          ctx,
          principal,
          input: { membershipId: text('membershipId'), reason: text('reason') || null },
        });
        return json<UsersActionData>({ ok: 'Member deactivated; their sessions have ended.' });
    }
  } catch (err) {
    // The owner rules are FORBIDDEN too, but they concern the target, not the caller's right
    // to be here: shown on the form that tried, not as a page error.
    if (isDomainError(err) && err.details.reason === 'owner_only') {
      const res = problemResponse(err, app.requestId);
      return json<UsersActionData>({ problem: (await res.json()) as Problem }, { status: 403 });
    }
    return formFailure(err, app);
  }
}

function sent(message: string, emailSent: boolean) {
  return json<UsersActionData>(
    emailSent
      ? { ok: message }
      : {
          ok: 'The invitation was created.',
          warning: 'Its email could not be sent just now. Use “Resend” in a moment.',
        },
  );
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

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
  const fetcher = useFetcher<UsersActionData>();
  const [role, setRole] = useState<Role>('operator');
  const formRef = useRef<HTMLFormElement>(null);
  const result = fetcher.data;
  const problem = result && 'problem' in result ? result.problem : null;
  useEffect(() => {
    if (fetcher.state === 'idle' && result && 'ok' in result) formRef.current?.reset();
  }, [fetcher.state, result]);
  return (
    <Card>
      <h2 className="text-lg font-semibold">Invite someone</h2>
      <fetcher.Form method="post" ref={formRef} className="mt-4 space-y-5" noValidate>
        <input type="hidden" name="intent" value="invite" />
        <Outcome result={result} fields={['email', 'role', 'facilityIds']} />
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
        <Submit busy={fetcher.state !== 'idle'}>Send invitation</Submit>
      </fetcher.Form>
    </Card>
  );
}

function Members({ data }: { data: Data }) {
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <Card>
      <h2 className="text-lg font-semibold">
        Members <span className="font-normal text-gray-500">({data.members.length})</span>
      </h2>
      <Table className="mt-4">
        <TableHead>
          <TableRow>
            <TableHeaderCell>Person</TableHeaderCell>
            <TableHeaderCell>Role and facilities</TableHeaderCell>
            <TableHeaderCell className="hidden sm:table-cell">Status</TableHeaderCell>
            {data.canManage ? (
              <TableHeaderCell>
                <span className="sr-only">Actions</span>
              </TableHeaderCell>
            ) : null}
          </TableRow>
        </TableHead>
        <TableBody>
          {data.members.map((m) => (
            <Fragment key={m.membershipId}>
              <TableRow data-testid="member-row">
                <TableCell className="whitespace-normal">
                  <div className="font-medium text-gray-900">
                    {m.name || m.email}
                    {m.isMe ? <span className="ml-1 text-gray-500">(you)</span> : null}
                  </div>
                  <div className="text-gray-500">{m.email}</div>
                </TableCell>
                <TableCell className="whitespace-normal">
                  <Badge color={m.role === 'owner' ? 'violet' : 'blue'}>{roleLabel(m.role)}</Badge>
                  <div className="mt-1 text-xs text-gray-600">
                    {m.facilities.length > 0 ? m.facilities.join(', ') : 'All facilities'}
                  </div>
                  <div className="mt-1 sm:hidden">
                    <MemberStatus verified={m.emailVerified} />
                  </div>
                </TableCell>
                <TableCell className="hidden sm:table-cell">
                  <MemberStatus verified={m.emailVerified} />
                  <div className="mt-1 text-xs text-gray-500">since {m.joinedOn}</div>
                </TableCell>
                {data.canManage ? (
                  <TableCell className="text-right">
                    {m.editable ? (
                      <button
                        type="button"
                        className="rounded-md px-3 py-1.5 text-sm font-medium text-blue-700 ring-1 ring-inset ring-gray-300 hover:bg-gray-50"
                        aria-expanded={editing === m.membershipId}
                        aria-controls={`edit-${m.membershipId}`}
                        aria-label={`Manage ${m.name || m.email}`}
                        onClick={() =>
                          setEditing(editing === m.membershipId ? null : m.membershipId)
                        }
                      >
                        Manage
                      </button>
                    ) : null}
                  </TableCell>
                ) : null}
              </TableRow>
              {editing === m.membershipId ? (
                <TableRow>
                  <TableCell colSpan={4} className="whitespace-normal bg-gray-50">
                    <ManageMember member={m} data={data} />
                  </TableCell>
                </TableRow>
              ) : null}
            </Fragment>
          ))}
        </TableBody>
      </Table>
    </Card>
  );
}

function MemberStatus({ verified }: { verified: boolean }) {
  return verified ? (
    <Badge color="emerald">Active</Badge>
  ) : (
    <Badge color="amber">Email not confirmed</Badge>
  );
}

function ManageMember({ member, data }: { member: Data['members'][number]; data: Data }) {
  const roleFetcher = useFetcher<UsersActionData>();
  const removeFetcher = useFetcher<UsersActionData>();
  const [role, setRole] = useState<Role>(member.role);
  const problem =
    roleFetcher.data && 'problem' in roleFetcher.data ? roleFetcher.data.problem : null;
  const who = member.name || member.email;
  return (
    <div id={`edit-${member.membershipId}`} className="grid gap-6 py-2 lg:grid-cols-3">
      <roleFetcher.Form method="post" className="space-y-4 lg:col-span-2" noValidate>
        <h3 className="font-semibold">Role of {who}</h3>
        <input type="hidden" name="intent" value="change-role" />
        <input type="hidden" name="membershipId" value={member.membershipId} />
        <Outcome result={roleFetcher.data} fields={['role', 'facilityIds', 'reason']} />
        <RoleSelect
          roles={data.grantableRoles}
          value={role}
          onChange={setRole}
          problem={problem}
          id={`role-${member.membershipId}`}
        />
        {LIMITED_ROLES.includes(role) ? (
          <FacilityChoice
            facilities={data.facilities}
            problem={problem}
            idPrefix={member.membershipId}
            selected={member.facilityIds}
          />
        ) : null}
        <Field
          label="Reason (optional, kept in the audit log)"
          name="reason"
          id={`reason-${member.membershipId}`}
          problem={problem}
        />
        <Submit busy={roleFetcher.state !== 'idle'}>Save role</Submit>
      </roleFetcher.Form>
      <removeFetcher.Form method="post" className="space-y-3">
        <h3 className="font-semibold">Remove access</h3>
        <input type="hidden" name="intent" value="deactivate" />
        <input type="hidden" name="membershipId" value={member.membershipId} />
        <p className="text-sm text-gray-600">
          {who} can no longer open this company; their sessions end at once. A new invitation brings
          them back.
        </p>
        <Outcome result={removeFetcher.data} fields={[]} />
        <Submit busy={removeFetcher.state !== 'idle'} variant="danger">
          Deactivate {who}
        </Submit>
      </removeFetcher.Form>
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
        <Table className="mt-4">
          <TableHead>
            <TableRow>
              <TableHeaderCell>Email</TableHeaderCell>
              <TableHeaderCell>Role and facilities</TableHeaderCell>
              <TableHeaderCell className="hidden sm:table-cell">Status</TableHeaderCell>
              <TableHeaderCell>
                <span className="sr-only">Actions</span>
              </TableHeaderCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {data.invitations.map((inv) => (
              // Keyed by address: "Resend" replaces the invitation (a new id), and the row
              // should keep its fetcher and say that it was sent.
              <InvitationRow key={inv.email} inv={inv} />
            ))}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}

function InvitationRow({ inv }: { inv: Data['invitations'][number] }) {
  const fetcher = useFetcher<UsersActionData>();
  const busy = fetcher.state !== 'idle';
  return (
    <TableRow data-testid="invitation-row">
      <TableCell className="whitespace-normal font-medium text-gray-900">{inv.email}</TableCell>
      <TableCell className="whitespace-normal">
        <Badge color="gray">{roleLabel(inv.role)}</Badge>
        <div className="mt-1 text-xs text-gray-600">
          {inv.facilities.length > 0 ? inv.facilities.join(', ') : 'All facilities'}
        </div>
      </TableCell>
      <TableCell className="hidden sm:table-cell">
        <Badge color="sky">Invited</Badge>
        <div className="mt-1 text-xs text-gray-500">expires {inv.expiresOn}</div>
      </TableCell>
      <TableCell className="whitespace-normal text-right">
        {inv.editable ? (
          <fetcher.Form method="post" className="flex flex-wrap justify-end gap-2">
            <input type="hidden" name="invitationId" value={inv.invitationId} />
            <Submit intent="resend" busy={busy} variant="secondary">
              Resend<span className="sr-only"> the invitation to {inv.email}</span>
            </Submit>
            <Submit intent="revoke" busy={busy} variant="secondary">
              Revoke<span className="sr-only"> the invitation to {inv.email}</span>
            </Submit>
          </fetcher.Form>
        ) : null}
        <div className="mt-1 text-left sm:text-right">
          <Outcome result={fetcher.data} fields={[]} compact />
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
    >
      {roles.map((r) => (
        <option key={r} value={r}>
          {roleLabel(r)}
        </option>
      ))}
    </SelectField>
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
  const error = problem?.errors?.find((e) => e.path.startsWith('facilityIds'))?.message;
  const errorId = `${idPrefix}-facilities-error`;
  return (
    <fieldset aria-describedby={error ? errorId : undefined}>
      <legend className="block text-sm font-medium text-gray-800">Facilities</legend>
      <p className="text-xs text-gray-500">Operators and vendors see only these.</p>
      {facilities.length === 0 ? (
        <p className="mt-2 text-sm text-gray-700">
          Your company has no facilities yet; create one first.
        </p>
      ) : (
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {facilities.map((f) => (
            <label key={f.id} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                name="facilityIds"
                value={f.id}
                defaultChecked={selected.includes(f.id)}
                className="rounded border-gray-300 text-blue-700 focus:ring-blue-600"
              />
              {f.name}
            </label>
          ))}
        </div>
      )}
      {error ? (
        <p id={errorId} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </fieldset>
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
    const shown = result.problem.errors?.every((e) =>
      fields.some((f) => e.path === f || e.path.startsWith(`${f}.`)),
    );
    return shown && (result.problem.errors?.length ?? 0) > 0 ? null : (
      <FormError problem={result.problem} fields={[]} />
    );
  }
  return (
    <div role="status" className={compact ? 'text-xs text-gray-700' : 'text-sm text-gray-700'}>
      <p className={compact ? '' : 'rounded-md bg-emerald-50 p-3 text-emerald-900'}>{result.ok}</p>
      {result.warning ? <p className="mt-1 text-amber-800">{result.warning}</p> : null}
    </div>
  );
}
