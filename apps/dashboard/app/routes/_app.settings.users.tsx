// The users page: members, invitations and their forms. The panels are in ~/ui/users
// (invite-form, members with manage-member, invitations); the forms' answers in ui/users/outcome.

import { type Problem, problemResponse } from '@anythingiot/accounts';
import { type Action, can, DomainError, isDomainError, type Role } from '@anythingiot/core';
import {
  changeRole,
  deactivateMembership,
  getTenantPreferences,
  inviteUser,
  listFacilities,
  listInvitations,
  listMembers,
  revokeInvitation,
} from '@anythingiot/services';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { json } from '@remix-run/cloudflare';
import { useLoaderData } from '@remix-run/react';
import {
  type FormFailure,
  formFailure,
  guard,
  requireMember,
  requireMemberIntent,
} from '~/server/guard.server';
import { memberCtx, tenantCtx } from '~/server/tenant-ctx.server';
import { ROLE_ORDER } from '~/ui/roles';
import { Invitations } from '~/ui/users/invitations';
import { InviteForm } from '~/ui/users/invite-form';
import { Members } from '~/ui/users/members';
import type { UsersActionData } from '~/ui/users/types';

export const meta: MetaFunction = () => [{ title: 'Users · AnythingIoT' }];

/**
 * Members and pending invitations. Everyone with `user.read` sees the list; the controls are
 * only rendered for roles that may use them, and the owner rules (only owners touch the owner
 * role) hide controls on owner rows from admins. The server enforces all of it again.
 */
export async function loader(args: LoaderFunctionArgs) {
  const member = await requireMember(args, 'user.read');
  const { principal } = member;
  const ctx = memberCtx(member);
  const canInvite = can(principal.role, 'user.invite');
  const canManage = can(principal.role, 'user.manage');
  const isOwner = principal.role === 'owner';
  const { members, invitations, facilities, timeZone } = await guard(member, async () => {
    const tenant = tenantCtx(member);
    return {
      members: await listMembers({ ctx }),
      invitations: canInvite ? await listInvitations({ ctx }) : [],
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

export async function action(args: ActionFunctionArgs) {
  const { member, form, intent } = await requireMemberIntent(args, 'user.read', INTENTS);
  const { app } = member;
  const ctx = memberCtx(member);
  const text = (name: string) => String(form.get(name) ?? '');
  const answer = (body: { ok: string; warning?: string } | FormFailure, init?: ResponseInit) =>
    json<UsersActionData>({ intent, target: text('target'), ...body }, init);
  try {
    switch (intent) {
      case 'invite': {
        const email = text('email');
        const { emailSent } = await inviteUser({
          ctx,
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
        const pending = await listInvitations({ ctx });
        const inv = pending.find((i) => i.invitationId === id);
        if (!inv) throw new DomainError('NOT_FOUND', 'Invitation not found.');
        const { emailSent } = await inviteUser({
          ctx,
          input: { email: inv.email, role: inv.role, facilityIds: inv.facilityIds },
        });
        return answer(sent(`A new invitation link was sent to ${inv.email}.`, emailSent));
      }
      case 'revoke':
        await revokeInvitation({ ctx, input: { invitationId: text('invitationId') } });
        return answer({ ok: 'Invitation withdrawn; its link no longer works.' });
      case 'change-role': {
        const { changed } = await changeRole({
          ctx,
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
