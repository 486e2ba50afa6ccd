import type { Principal } from '@anythingiot/accounts';
import { describe, expect, it } from 'vitest';
import {
  acceptInvitationNewAccount,
  inviteUser,
  listInvitations,
  listMembers,
  PASSWORD_RESET_ANSWER,
  requestEmailVerification,
  requestPasswordReset,
  revokeInvitation,
  verifyEmail,
} from '../../src/index.js';
import { failure, mailTo, PASSWORD, tokenFromMail, uniqueEmail, useAccounts } from './harness.js';

const t = useAccounts();

async function company(label: string) {
  const owner = await t.signUpOwner(label);
  const principal = await t.principalOf(owner.session.token);
  const facility = await t.seedFacility(owner.tenantId);
  async function add(role: Principal['role'], facilityIds: string[] = []) {
    const email = uniqueEmail(role);
    await inviteUser({ ctx: t.memberCtx(principal), input: { email, role, facilityIds } });
    const token = await tokenFromMail(email, '/invitations/accept');
    const joined = await acceptInvitationNewAccount({
      ctx: t.accountCtx(),
      input: { token, name: `${role} person`, password: PASSWORD },
    });
    return { ...joined, email, principal: await t.principalOf(joined.session.token) };
  }
  return { owner, principal, facility, add };
}

describe('members and invitations lists', () => {
  it("members: the tenant's active members with their facilities, scoped to the tenant", async () => {
    const a = await company('listA');
    const b = await company('listB');
    const auditor = await a.add('auditor');
    const operator = await a.add('operator', [a.facility]);
    await b.add('manager');
    const members = await listMembers({ ctx: t.memberCtx(auditor.principal) });
    expect(members.map((m) => m.role).sort()).toEqual(['auditor', 'operator', 'owner']);
    expect(members.find((m) => m.role === 'operator')).toMatchObject({
      email: operator.email,
      facilityIds: [a.facility],
      emailVerified: true,
    });
    expect(members.find((m) => m.role === 'owner')).toMatchObject({
      email: a.owner.email,
      emailVerified: false,
    });
    // Who may read the list (user.read) is the adapter's check: apps/dashboard/test/users.test.ts.
  });

  it('pending invitations: listed for inviters; revoking kills the link, audited; refusals write nothing', async () => {
    const a = await company('revokeA');
    const b = await company('revokeB');
    const admin = await a.add('admin');
    const email = uniqueEmail('pending');
    const { invitationId } = await inviteUser({
      ctx: t.memberCtx(a.principal),
      input: { email, role: 'auditor' },
    });
    const token = await tokenFromMail(email, '/invitations/accept');
    const ownerInvite = await inviteUser({
      ctx: t.memberCtx(a.principal),
      input: { email: uniqueEmail('co-owner'), role: 'owner' },
    });
    const bInvite = await inviteUser({
      ctx: t.memberCtx(b.principal),
      input: { email: uniqueEmail('b-guest'), role: 'auditor' },
    });

    const pending = await listInvitations({ ctx: t.memberCtx(admin.principal) });
    expect(pending.map((p) => p.invitationId).sort()).toEqual(
      [invitationId, ownerInvite.invitationId].sort(),
    );
    expect(pending.find((p) => p.invitationId === invitationId)).toMatchObject({
      email,
      role: 'auditor',
      invitedBy: a.owner.userId,
    });

    const before = await t.counts();
    const refusals: [() => Promise<unknown>, string, string | undefined][] = [
      [
        () =>
          revokeInvitation({
            ctx: t.memberCtx(admin.principal),
            input: { invitationId: ownerInvite.invitationId },
          }),
        'FORBIDDEN',
        'owner_only',
      ],
      [
        () =>
          revokeInvitation({
            ctx: t.memberCtx(a.principal),
            input: { invitationId: bInvite.invitationId },
          }),
        'NOT_FOUND',
        'not_found',
      ],
      [
        () => revokeInvitation({ ctx: t.memberCtx(a.principal), input: { invitationId: 42 } }),
        'NOT_FOUND',
        'not_found',
      ],
    ];
    for (const [run, code, reason] of refusals) {
      expect(await failure(run)).toMatchObject({ code, reason });
    }
    expect(await t.counts()).toEqual(before);

    await revokeInvitation({ ctx: t.memberCtx(admin.principal), input: { invitationId } });
    expect((await t.auditActions(a.owner.tenantId)).at(-1)).toBe('invitation.revoke');
    expect(
      (await listInvitations({ ctx: t.memberCtx(a.principal) })).map((p) => p.invitationId),
    ).toEqual([ownerInvite.invitationId]);
    const dead = await failure(() =>
      acceptInvitationNewAccount({
        ctx: t.accountCtx(),
        input: { token, name: 'Too Late', password: PASSWORD },
      }),
    );
    expect(dead.reason).toBe('invalid_token');
    // Revoking twice: it is no longer pending.
    expect(
      (
        await failure(() =>
          revokeInvitation({ ctx: t.memberCtx(a.principal), input: { invitationId } }),
        )
      ).code,
    ).toBe('NOT_FOUND');
  });
});

describe('requestEmailVerification', () => {
  it('mails a fresh link; the earlier one stops working; nothing for a verified address', async () => {
    const owner = await t.signUpOwner('resend');
    const first = await tokenFromMail(owner.email, '/verify-email');
    const user = await t.userOf(owner.session.token);
    expect(await requestEmailVerification({ ctx: t.userCtx(user) })).toEqual({
      alreadyVerified: false,
      emailSent: true,
    });
    const second = await tokenFromMail(owner.email, '/verify-email');
    expect(second).not.toBe(first);
    expect(
      (await failure(() => verifyEmail({ ctx: t.accountCtx(), input: { token: first } }))).reason,
    ).toBe('invalid_token');
    await verifyEmail({ ctx: t.accountCtx(), input: { token: second } });

    const verified = await t.userOf(owner.session.token);
    const before = await t.counts();
    const mails = (await mailTo(owner.email)).length;
    expect(await requestEmailVerification({ ctx: t.userCtx(verified) })).toEqual({
      alreadyVerified: true,
      emailSent: false,
    });
    expect(await t.counts()).toEqual(before);
    expect(await mailTo(owner.email)).toHaveLength(mails);
  });
});

describe('password reset under a Worker', () => {
  it('with waitUntil the answer comes first, the email after', async () => {
    const owner = await t.signUpOwner('deferred');
    const pending: Promise<unknown>[] = [];
    const ctx = { ...t.accountCtx(), waitUntil: (p: Promise<unknown>) => void pending.push(p) };
    const answer = await requestPasswordReset({ ctx, input: { email: owner.email } });
    expect(answer).toEqual(PASSWORD_RESET_ANSWER);
    expect(pending).toHaveLength(1);
    await Promise.all(pending);
    expect((await mailTo(owner.email))[0]?.payload.subject).toBe('Reset your password');
    // An unknown address defers nothing: there is nothing to do.
    const none: Promise<unknown>[] = [];
    await requestPasswordReset({
      ctx: { ...t.accountCtx(), waitUntil: (p) => void none.push(p) },
      input: { email: uniqueEmail('nobody') },
    });
    expect(none).toHaveLength(0);
  });
});
