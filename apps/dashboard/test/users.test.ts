import { authenticate, requirePrincipal } from '@anythingiot/accounts';
import type { Role } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { inviteUser } from '@anythingiot/services';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as frame from '../app/routes/_app';
import * as users from '../app/routes/_app.settings.users';
import * as accept from '../app/routes/invitations.accept';
import { type Member, useDashboard } from './harness';
import { accountsCtx, addMember, mailTo, snapshot, tokenFromMail } from './people-fixtures';

const t = useDashboard();
type Form = Record<string, string | string[]>;
const URL = '/settings/users';
const PASSWORD = 'correct horse battery staple';

/** A unique address nobody has used in this file. */
let counter = 0;
const newEmail = (label: string) => `${label}-${Date.now()}-${++counter}@invitee.test`;

async function principalOf(member: Member) {
  const ctx = accountsCtx(t);
  return requirePrincipal(await authenticate({ ctx, input: { cookieHeader: member.cookie } }));
}

/** A pending invitation of company A, made through the use case; its id and emailed token. */
async function pendingInvitation(role: Role = 'manager', company = t.a) {
  const email = newEmail(role);
  const { invitationId } = await inviteUser({
    ctx: t.memberCtxFor(company.members.owner, company),
    input: {
      email,
      role,
      facilityIds: ['operator', 'vendor'].includes(role) ? [company.facilityIds[0]] : [],
    },
  });
  return { invitationId, email, token: await tokenFromMail(email, '/invitations/accept') };
}

/** Posts to the users page as `as`, expecting a refusal that writes nothing. */
async function refused(
  as: Member | null,
  form: Record<string, string | string[]>,
  origin?: string,
) {
  const before = await snapshot(t.db);
  const res = await t.call(users, { as, url: URL, form, ...(origin ? { origin } : {}) });
  expect(await snapshot(t.db)).toEqual(before);
  return res;
}

describe('users page: who may open it', () => {
  it('sends a signed-out visitor to log in, coming back here', async () => {
    const res = await t.call(users, { as: null, url: URL });
    expect(res.status).toBe(302);
    expect(res.location).toBe('/login?next=%2Fsettings%2Fusers');
  });

  it.each(['operator', 'vendor'] as const)('refuses a %s (no user.read): 403', async (role) => {
    const res = await t.call(users, { as: t.a.members[role], url: URL });
    expect(res.status).toBe(403);
    expect(res.data.code).toBe('missing_permission');
  });

  it("shows an owner the company's members with role, facilities and status, the invitations and every control", async () => {
    const invitation = await pendingInvitation('vendor');
    const res = await t.call(users, { as: t.a.members.owner, url: URL });
    expect(res.status).toBe(200);
    const { data } = res;
    expect(data.canInvite).toBe(true);
    expect(data.canManage).toBe(true);
    expect(data.grantableRoles).toContain('owner');
    const emails = data.members.map((m: { email: string }) => m.email);
    for (const member of Object.values(t.a.members)) expect(emails).toContain(member.email);
    // Only this company's people.
    for (const member of Object.values(t.b.members)) expect(emails).not.toContain(member.email);
    const operator = data.members.find(
      (m: { email: string }) => m.email === t.a.members.operator.email,
    );
    expect(operator).toMatchObject({
      role: 'operator',
      facilities: ['Alpha Pharma Cold Room'],
      emailVerified: true,
      editable: true,
    });
    const me = data.members.find((m: { isMe: boolean }) => m.isMe);
    expect(me).toMatchObject({ email: t.a.members.owner.email, editable: false });
    expect(data.facilities.map((f: { name: string }) => f.name).sort()).toEqual([
      'Alpha Pharma Cold Room',
      'Alpha Pharma Warehouse',
    ]);
    expect(data.invitations).toContainEqual(
      expect.objectContaining({
        invitationId: invitation.invitationId,
        email: invitation.email,
        role: 'vendor',
        facilities: ['Alpha Pharma Cold Room'],
        editable: true,
      }),
    );
  });

  it('gives an admin no owner role to grant and no controls on owner rows or owner invitations', async () => {
    const ownerInvite = await pendingInvitation('owner');
    const { data } = await t.call(users, { as: t.a.members.admin, url: URL });
    expect(data.canInvite).toBe(true);
    expect(data.grantableRoles).not.toContain('owner');
    const owner = data.members.find((m: { email: string }) => m.email === t.a.members.owner.email);
    expect(owner.editable).toBe(false);
    const invite = data.invitations.find(
      (i: { invitationId: string }) => i.invitationId === ownerInvite.invitationId,
    );
    expect(invite.editable).toBe(false);
  });

  it.each(['manager', 'auditor'] as const)(
    'lets a %s read the members, with no controls and no invitations',
    async (role) => {
      const res = await t.call(users, { as: t.a.members[role], url: URL });
      expect(res.status).toBe(200);
      expect(res.data.canInvite).toBe(false);
      expect(res.data.canManage).toBe(false);
      expect(res.data.invitations).toEqual([]);
      expect(res.data.members.every((m: { editable: boolean }) => !m.editable)).toBe(true);
      expect(res.data.members.length).toBeGreaterThanOrEqual(6);
    },
  );
});

describe('users page: refusals write nothing', () => {
  const invite = { intent: 'invite', email: 'someone@invitee.test', role: 'manager' };

  it('sends a signed-out POST to log in', async () => {
    const res = await refused(null, invite);
    expect(res.status).toBe(302);
    expect(res.location).toMatch(/^\/login/);
  });

  it.each(['manager', 'auditor', 'operator', 'vendor'] as const)(
    'refuses an invitation from a %s: 403',
    async (role) => {
      const res = await refused(t.a.members[role], invite);
      expect(res.status).toBe(403);
      expect(res.data.code).toBe('missing_permission');
      expect(await mailTo('someone@invitee.test')).toEqual([]);
    },
  );

  it.each(['manager', 'auditor'] as const)(
    'refuses role changes, deactivation, resend and revoke from a %s: 403',
    async (role) => {
      const { invitationId } = await pendingInvitation();
      const target = t.a.members.operator;
      const { membershipId } = (await principalOf(target)) as { membershipId: string };
      const forms: Form[] = [
        { intent: 'change-role', membershipId, role: 'admin' },
        { intent: 'deactivate', membershipId },
        { intent: 'resend', invitationId },
        { intent: 'revoke', invitationId },
      ];
      for (const form of forms) {
        const res = await refused(t.a.members[role], form);
        expect(res.status, String(form.intent)).toBe(403);
      }
    },
  );

  it('refuses a cross-origin POST (CSRF): 403', async () => {
    const res = await refused(t.a.members.owner, invite, 'https://evil.example');
    expect(res.status).toBe(403);
    expect(res.data.code).toBe('cross_origin');
  });

  it('answers an unknown intent with 400', async () => {
    const res = await refused(t.a.members.owner, { intent: 'promote-everyone' });
    expect(res.status).toBe(400);
  });

  it('answers bad invitations with 422 and the field errors', async () => {
    const owner = t.a.members.owner;
    const cases: [Record<string, string | string[]>, { path: string; message: string }[]][] = [
      [
        { intent: 'invite', email: 'not-an-email', role: 'manager' },
        [{ path: 'email', message: 'Enter a valid email address.' }],
      ],
      [
        { intent: 'invite', email: newEmail('x'), role: 'emperor' },
        [{ path: 'role', message: 'Choose owner, admin, manager, operator, auditor or vendor.' }],
      ],
      [
        { intent: 'invite', email: newEmail('x'), role: 'operator' },
        [{ path: 'facilityIds', message: 'A operator must be given at least one facility.' }],
      ],
      [
        {
          intent: 'invite',
          email: newEmail('x'),
          role: 'admin',
          facilityIds: [t.a.facilityIds[0]],
        },
        [{ path: 'facilityIds', message: 'A admin sees every facility; give no list.' }],
      ],
      // Another company's facility is simply unknown here.
      [
        {
          intent: 'invite',
          email: newEmail('x'),
          role: 'vendor',
          facilityIds: [t.b.facilityIds[0]],
        },
        [{ path: 'facilityIds.0', message: 'No such facility.' }],
      ],
      [
        { intent: 'invite', email: t.a.members.auditor.email, role: 'manager' },
        [{ path: 'email', message: 'This person is already a member of your company.' }],
      ],
    ];
    for (const [form, errors] of cases) {
      const res = await refused(owner, form);
      expect(res.status, JSON.stringify(form)).toBe(
        form.email === t.a.members.auditor.email ? 409 : 422,
      );
      expect(res.data.problem.errors).toEqual(errors);
    }
  });
});

describe('users page: invitations', () => {
  it('an admin invites an operator to a facility: emailed link, listed as pending, accepted into that role', async () => {
    const email = newEmail('operator');
    const res = await t.call(users, {
      as: t.a.members.admin,
      url: URL,
      form: {
        intent: 'invite',
        email: email.toUpperCase(),
        role: 'operator',
        facilityIds: [t.a.facilityIds[1]],
      },
    });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ intent: 'invite', target: '', ok: `Invitation sent to ${email}.` });
    const [mail] = await mailTo(email);
    expect(mail?.payload.subject).toContain('Alpha Pharma');
    const listed = await t.call(users, { as: t.a.members.admin, url: URL });
    expect(listed.data.invitations).toContainEqual(
      expect.objectContaining({ email, role: 'operator', facilities: ['Alpha Pharma Warehouse'] }),
    );
    // The invitee accepts with a new account and is an operator of that facility only.
    const token = await tokenFromMail(email, '/invitations/accept');
    const joined = await t.call(accept, {
      as: null,
      url: `/invitations/accept?token=${token}`,
      form: { intent: 'create', token, name: 'New Operator', password: PASSWORD },
    });
    expect(joined.status).toBe(302);
    const cookie = joined.headers.get('set-cookie')!.split(';')[0]!;
    const invitee = { role: 'operator' as const, userId: '', email, cookie };
    const inFrame = await t.call(frame, { as: invitee, url: '/' });
    expect(inFrame.data.tenant.name).toBe('Alpha Pharma');
    expect(inFrame.data.me.role).toBe('operator');
    const after = await t.call(users, { as: t.a.members.admin, url: URL });
    expect(after.data.invitations.map((i: { email: string }) => i.email)).not.toContain(email);
    expect(after.data.members).toContainEqual(
      expect.objectContaining({ email, role: 'operator', facilities: ['Alpha Pharma Warehouse'] }),
    );
  });

  it('resend mails a fresh link and the old one stops working', async () => {
    const inv = await pendingInvitation('auditor');
    const res = await t.call(users, {
      as: t.a.members.owner,
      url: URL,
      form: { intent: 'resend', invitationId: inv.invitationId },
    });
    expect(res.status).toBe(200);
    expect(res.data.ok).toBe(`A new invitation link was sent to ${inv.email}.`);
    expect(await mailTo(inv.email)).toHaveLength(2);
    const fresh = await tokenFromMail(inv.email, '/invitations/accept');
    expect(fresh).not.toBe(inv.token);
    const old = await t.call(accept, { as: null, url: `/invitations/accept?token=${inv.token}` });
    expect(old.data.state).toBe('invalid');
    const current = await t.call(accept, { as: null, url: `/invitations/accept?token=${fresh}` });
    expect(current.data).toMatchObject({ state: 'new-account', invitation: { role: 'auditor' } });
  });

  it('revoke withdraws the invitation: its link stops working and the list drops it', async () => {
    const inv = await pendingInvitation();
    const res = await t.call(users, {
      as: t.a.members.admin,
      url: URL,
      form: { intent: 'revoke', invitationId: inv.invitationId },
    });
    expect(res.status).toBe(200);
    const link = await t.call(accept, { as: null, url: `/invitations/accept?token=${inv.token}` });
    expect(link.data.state).toBe('invalid');
    const listed = await t.call(users, { as: t.a.members.admin, url: URL });
    expect(listed.data.invitations.map((i: { email: string }) => i.email)).not.toContain(inv.email);
  });

  it("answers 404 for another company's invitation and writes nothing", async () => {
    const theirs = await pendingInvitation('manager', t.b);
    for (const intent of ['revoke', 'resend']) {
      const res = await refused(t.a.members.owner, { intent, invitationId: theirs.invitationId });
      expect(res.status, intent).toBe(404);
    }
    const still = await t.call(accept, {
      as: null,
      url: `/invitations/accept?token=${theirs.token}`,
    });
    expect(still.data.state).toBe('new-account');
  });

  it("an admin's forged revoke of an owner invitation is refused on the form (owner rule), nothing written", async () => {
    const inv = await pendingInvitation('owner');
    const res = await refused(t.a.members.admin, {
      intent: 'revoke',
      invitationId: inv.invitationId,
    });
    expect(res.status).toBe(403);
    expect(res.data.problem.detail).toBe(
      'Only an owner can grant, change or remove the owner role.',
    );
  });
});

describe('users page: roles and deactivation', () => {
  const membershipOf = async (userId: string) =>
    (
      await t.db
        .select()
        .from(schema.memberships)
        .where(
          and(eq(schema.memberships.tenantId, t.a.tenantId), eq(schema.memberships.userId, userId)),
        )
    )[0]!;

  it('an admin makes an operator a manager (facilities dropped), audited with the reason', async () => {
    const target = await addMember(t, t.a, 'operator');
    const res = await t.call(users, {
      as: t.a.members.admin,
      url: URL,
      form: {
        intent: 'change-role',
        target: target.membershipId,
        membershipId: target.membershipId,
        role: 'manager',
        reason: 'Promoted',
      },
    });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({
      intent: 'change-role',
      target: target.membershipId,
      ok: 'Role saved.',
    });
    expect((await membershipOf(target.userId)).role).toBe('manager');
    const [entry] = await t.db
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.tenantId, t.a.tenantId))
      .orderBy(schema.auditLog.seq)
      .then((rows) => rows.slice(-1));
    expect(entry).toMatchObject({
      action: 'membership.role_change',
      before: { role: 'operator', facilityIds: [t.a.facilityIds[0]] },
      after: { role: 'manager', facilityIds: [] },
      reason: 'Promoted',
    });
    const frameAfter = await t.call(frame, { as: target, url: '/' });
    expect(frameAfter.data.me.role).toBe('manager');
  });

  it('a role change with bad fields is a 422 with the field error, nothing written', async () => {
    const target = await addMember(t, t.a, 'auditor');
    const cases: [Form, string][] = [
      [{ role: 'operator' }, 'facilityIds'],
      [{ role: 'nobody' }, 'role'],
      [{ role: 'vendor', facilityIds: [t.b.facilityIds[1]] }, 'facilityIds.0'],
    ];
    for (const [form, path] of cases) {
      const res = await refused(t.a.members.owner, {
        intent: 'change-role',
        membershipId: target.membershipId,
        ...form,
      });
      expect(res.status).toBe(422);
      expect(res.data.problem.errors.map((e: { path: string }) => e.path)).toEqual([path]);
    }
  });

  it("answers 404 for another company's member, for role changes and deactivation", async () => {
    const theirs = await addMember(t, t.b, 'manager');
    const forms: Form[] = [
      { intent: 'change-role', membershipId: theirs.membershipId, role: 'auditor' },
      { intent: 'deactivate', membershipId: theirs.membershipId },
    ];
    for (const form of forms) {
      const res = await refused(t.a.members.owner, form);
      expect(res.status, String(form.intent)).toBe(404);
    }
  });

  it('an admin cannot demote an owner: the owner rule is shown on the form (403), nothing written', async () => {
    const owner = await addMember(t, t.a, 'owner');
    const res = await refused(t.a.members.admin, {
      intent: 'change-role',
      membershipId: owner.membershipId,
      role: 'manager',
    });
    expect(res.status).toBe(403);
    expect(res.data.problem.code).toBe('owner_only');
    const deactivate = await refused(t.a.members.admin, {
      intent: 'deactivate',
      membershipId: owner.membershipId,
    });
    expect(deactivate.status).toBe(403);
    expect(deactivate.data.problem.code).toBe('owner_only');
  });

  it('the last owner cannot be demoted or deactivated: 409 on the form, nothing written', async () => {
    // Company B has exactly one owner (the seeded one).
    const owner = t.b.members.owner;
    const { membershipId } = await principalOf(owner);
    const forms: Form[] = [
      { intent: 'change-role', membershipId, role: 'admin' },
      { intent: 'deactivate', membershipId },
    ];
    for (const form of forms) {
      const res = await refused(owner, form);
      expect(res.status, String(form.intent)).toBe(409);
      expect(res.data.problem.detail).toBe(
        'This is the last owner of the company. Make someone else an owner first.',
      );
    }
  });

  it('deactivating a member ends their sessions here; they vanish from the list', async () => {
    const target = await addMember(t, t.a, 'manager');
    const res = await t.call(users, {
      as: t.a.members.owner,
      url: URL,
      form: { intent: 'deactivate', membershipId: target.membershipId },
    });
    expect(res.status).toBe(200);
    expect((await membershipOf(target.userId)).deactivatedAt).not.toBeNull();
    const signedOut = await t.call(frame, { as: target, url: '/' });
    expect(signedOut.status).toBe(302);
    const listed = await t.call(users, { as: t.a.members.owner, url: URL });
    expect(listed.data.members.map((m: { email: string }) => m.email)).not.toContain(target.email);
  });
});
