import { authenticate, login } from '@anythingiot/accounts';
import { schema } from '@anythingiot/db';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { acceptInvitation, acceptInvitationNewAccount, inviteUser } from '../../src/index.js';
import {
  cookieHeader,
  failure,
  mailTo,
  PASSWORD,
  tokenFromMail,
  uniqueEmail,
  useAccounts,
} from './harness.js';

const t = useAccounts();

async function company(label: string) {
  const owner = await t.signUpOwner(label);
  const principal = await t.principalOf(owner.session.token);
  const facility = await t.seedFacility(owner.tenantId);
  return { owner, principal, facility };
}

describe('inviteUser', () => {
  it('an owner invites an operator to a facility: hashed token, 7-day expiry, audited, emailed', async () => {
    const { owner, principal, facility } = await company('inviter');
    const email = uniqueEmail('operator');
    const result = await inviteUser({
      ctx: t.memberCtx(principal),
      input: { email: email.toUpperCase(), role: 'operator', facilityIds: [facility] },
    });
    expect(result.emailSent).toBe(true);
    const days = (result.expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);
    const [row] = await t.db
      .select()
      .from(schema.invitations)
      .where(eq(schema.invitations.id, result.invitationId));
    expect(row).toMatchObject({
      tenantId: owner.tenantId,
      email,
      role: 'operator',
      facilityIds: [facility],
      invitedBy: owner.userId,
    });
    const token = await tokenFromMail(email, '/invitations/accept');
    expect(row?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.tokenHash).not.toBe(token);
    const [mail] = await mailTo(email);
    expect(mail?.payload.subject).toBe(
      'inviter person invited you to Company inviter on AnythingIoT',
    );
    expect((await t.auditActions(owner.tenantId)).at(-1)).toBe('invitation.create');
  });

  it('refusals write nothing: owner invited by an admin, bad fields, foreign facility, existing member', async () => {
    const a = await company('refuse-a');
    const b = await company('refuse-b');
    // An admin in tenant A.
    const adminEmail = uniqueEmail('admin');
    await inviteUser({
      ctx: t.memberCtx(a.principal),
      input: { email: adminEmail, role: 'admin' },
    });
    const admin = await acceptInvitationNewAccount({
      ctx: t.accountCtx(),
      input: {
        token: await tokenFromMail(adminEmail, '/invitations/accept'),
        name: 'Adm In',
        password: PASSWORD,
      },
    });
    const adminPrincipal = await t.principalOf(admin.session.token);

    const before = await t.counts();
    const cases: [string, () => Promise<unknown>, string, string | undefined][] = [
      [
        'admin may not invite an owner',
        () =>
          inviteUser({
            ctx: t.memberCtx(adminPrincipal),
            input: { email: uniqueEmail('x'), role: 'owner' },
          }),
        'FORBIDDEN',
        'owner_only',
      ],
      [
        'unknown role',
        () =>
          inviteUser({
            ctx: t.memberCtx(a.principal),
            input: { email: uniqueEmail('x'), role: 'superuser' as never },
          }),
        'VALIDATION',
        undefined,
      ],
      [
        'bad email',
        () =>
          inviteUser({
            ctx: t.memberCtx(a.principal),
            input: { email: 'nope', role: 'manager' },
          }),
        'VALIDATION',
        undefined,
      ],
      [
        'operator without facilities',
        () =>
          inviteUser({
            ctx: t.memberCtx(a.principal),
            input: { email: uniqueEmail('x'), role: 'operator' },
          }),
        'VALIDATION',
        undefined,
      ],
      [
        'manager with facilities',
        () =>
          inviteUser({
            ctx: t.memberCtx(a.principal),
            input: { email: uniqueEmail('x'), role: 'manager', facilityIds: [a.facility] },
          }),
        'VALIDATION',
        undefined,
      ],
      [
        "another tenant's facility",
        () =>
          inviteUser({
            ctx: t.memberCtx(a.principal),
            input: { email: uniqueEmail('x'), role: 'vendor', facilityIds: [b.facility] },
          }),
        'VALIDATION',
        undefined,
      ],
      [
        'already a member',
        () =>
          inviteUser({
            ctx: t.memberCtx(a.principal),
            input: { email: adminEmail, role: 'manager' },
          }),
        'CONFLICT',
        'already_member',
      ],
    ];
    for (const [label, run, code, reason] of cases) {
      const f = await failure(run);
      expect({ label, code: f.code, reason: f.reason }).toEqual({ label, code, reason });
    }
    const foreign = await failure(() =>
      inviteUser({
        ctx: t.memberCtx(a.principal),
        input: { email: uniqueEmail('x'), role: 'vendor', facilityIds: [b.facility] },
      }),
    );
    expect(foreign.errors).toEqual([{ path: 'facilityIds.0', message: 'No such facility.' }]);
    expect(await t.counts()).toEqual(before);
  });
});

describe('accepting an invitation', () => {
  it('new account: sets name and password, gets the role and facilities, is verified and signed in to that tenant', async () => {
    const { owner, principal, facility } = await company('newacct');
    const email = uniqueEmail('vendor');
    await inviteUser({
      ctx: t.memberCtx(principal),
      input: { email, role: 'vendor', facilityIds: [facility] },
    });
    const token = await tokenFromMail(email, '/invitations/accept');
    const result = await acceptInvitationNewAccount({
      ctx: t.accountCtx(),
      input: { token, name: 'Val Vendor', password: PASSWORD },
    });
    const vendor = await t.principalOf(result.session.token);
    expect(vendor).toMatchObject({
      tenantId: owner.tenantId,
      role: 'vendor',
      facilityIds: [facility],
      email,
      name: 'Val Vendor',
      emailVerified: true,
    });
    expect((await t.auditActions(owner.tenantId)).slice(-3)).toEqual([
      'user.create',
      'invitation.accept',
      'membership.create',
    ]);
    // Login works with the chosen password.
    expect(
      (await login({ ctx: t.ctx(), input: { email, password: PASSWORD } })).activeTenantId,
    ).toBe(owner.tenantId);

    // Single use, whichever way it is presented.
    const before = await t.counts();
    expect(
      (
        await failure(() =>
          acceptInvitationNewAccount({
            ctx: t.accountCtx(),
            input: { token, name: 'Again', password: PASSWORD },
          }),
        )
      ).reason,
    ).toBe('invalid_token');
    const user = await t.userOf(result.session.token);
    expect(
      (await failure(() => acceptInvitation({ ctx: t.userCtx(user), input: { token } }))).reason,
    ).toBe('invalid_token');
    expect(await t.counts()).toEqual(before);
  });

  it('new account: bad fields, an existing account, expired or revoked invitations write nothing', async () => {
    const { principal } = await company('newbad');
    const email = uniqueEmail('newbie');
    await inviteUser({ ctx: t.memberCtx(principal), input: { email, role: 'auditor' } });
    const token = await tokenFromMail(email, '/invitations/accept');
    const before = await t.counts();
    const fields = await failure(() =>
      acceptInvitationNewAccount({
        ctx: t.accountCtx(),
        input: { token, name: ' ', password: email },
      }),
    );
    expect(fields.code).toBe('VALIDATION');
    expect(fields.errors.map((e) => e.path).sort()).toEqual(['name', 'password']);
    expect(await t.counts()).toEqual(before);

    // Someone who already has an account must log in and accept instead.
    const existing = await t.signUpOwner('hasaccount');
    await inviteUser({
      ctx: t.memberCtx(principal),
      input: { email: existing.email, role: 'auditor' },
    });
    const existingToken = await tokenFromMail(existing.email, '/invitations/accept');
    const mid = await t.counts();
    const conflict = await failure(() =>
      acceptInvitationNewAccount({
        ctx: t.accountCtx(),
        input: { token: existingToken, name: 'Dup', password: PASSWORD },
      }),
    );
    expect(conflict).toMatchObject({ code: 'CONFLICT', reason: 'account_exists' });
    expect(await t.counts()).toEqual(mid);

    // A second invitation to the same address replaces the first.
    await inviteUser({ ctx: t.memberCtx(principal), input: { email, role: 'manager' } });
    const replaced = await t.counts();
    expect(
      (
        await failure(() =>
          acceptInvitationNewAccount({
            ctx: t.accountCtx(),
            input: { token, name: 'Late', password: PASSWORD },
          }),
        )
      ).reason,
    ).toBe('invalid_token');
    expect(await t.counts()).toEqual(replaced);

    // Expired.
    const current = await tokenFromMail(email, '/invitations/accept');
    await t.db
      .update(schema.invitations)
      .set({ expiresAt: new Date(Date.now() - 1) })
      .where(eq(schema.invitations.email, email));
    const expired = await t.counts();
    expect(
      (
        await failure(() =>
          acceptInvitationNewAccount({
            ctx: t.accountCtx(),
            input: { token: current, name: 'Late', password: PASSWORD },
          }),
        )
      ).reason,
    ).toBe('invalid_token');
    expect(await t.counts()).toEqual(expired);
  });

  it('existing account: adds the membership and rotates the session into the new tenant', async () => {
    const a = await company('hostA');
    const b = await t.signUpOwner('guestB');
    await inviteUser({
      ctx: t.memberCtx(a.principal),
      input: { email: b.email, role: 'manager' },
    });
    const token = await tokenFromMail(b.email, '/invitations/accept');
    const user = await t.userOf(b.session.token);
    const result = await acceptInvitation({ ctx: t.userCtx(user), input: { token } });
    expect(result.tenantId).toBe(a.owner.tenantId);
    const now = await t.principalOf(result.session.token);
    expect(now).toMatchObject({ userId: b.userId, tenantId: a.owner.tenantId, role: 'manager' });
    const old = await authenticate({
      ctx: t.ctx(),
      input: { cookieHeader: cookieHeader(b.session.token) },
    });
    expect(old.user).toBeNull();
    // Still an owner in their own company.
    const memberships = await t.db
      .select()
      .from(schema.memberships)
      .where(eq(schema.memberships.userId, b.userId));
    expect(memberships.map((m) => m.role).sort()).toEqual(['manager', 'owner']);
  });

  it("a user of tenant B cannot accept tenant A's invitation meant for another address", async () => {
    const a = await company('victimA');
    const intended = uniqueEmail('intended');
    await inviteUser({
      ctx: t.memberCtx(a.principal),
      input: { email: intended, role: 'admin' },
    });
    const token = await tokenFromMail(intended, '/invitations/accept');
    const intruder = await t.signUpOwner('intruderB');
    const user = await t.userOf(intruder.session.token);
    const before = await t.counts();
    const f = await failure(() => acceptInvitation({ ctx: t.userCtx(user), input: { token } }));
    expect(f).toMatchObject({ code: 'FORBIDDEN', reason: 'invitation_for_another_email' });
    expect(f.message).not.toContain(intended);
    expect(await t.counts()).toEqual(before);
    // The rightful person can still accept it.
    const ok = await acceptInvitationNewAccount({
      ctx: t.accountCtx(),
      input: { token, name: 'Right Person', password: PASSWORD },
    });
    expect((await t.principalOf(ok.session.token)).role).toBe('admin');
  });

  it('a deactivated member re-invited is reactivated with the new role', async () => {
    const { owner, principal, facility } = await company('reactivate');
    const email = uniqueEmail('returning');
    await inviteUser({
      ctx: t.memberCtx(principal),
      input: { email, role: 'operator', facilityIds: [facility] },
    });
    const first = await acceptInvitationNewAccount({
      ctx: t.accountCtx(),
      input: {
        token: await tokenFromMail(email, '/invitations/accept'),
        name: 'Ret Urner',
        password: PASSWORD,
      },
    });
    await t.db
      .update(schema.memberships)
      .set({ deactivatedAt: new Date() })
      .where(eq(schema.memberships.id, first.membershipId));
    await inviteUser({ ctx: t.memberCtx(principal), input: { email, role: 'auditor' } });
    const token = await tokenFromMail(email, '/invitations/accept');
    const session = await login({ ctx: t.ctx(), input: { email, password: PASSWORD } });
    const user = await t.userOf(session.session.token);
    const again = await acceptInvitation({ ctx: t.userCtx(user), input: { token } });
    expect(again.membershipId).toBe(first.membershipId);
    expect(await t.principalOf(again.session.token)).toMatchObject({
      tenantId: owner.tenantId,
      role: 'auditor',
      facilityIds: [],
    });
    expect((await t.auditActions(owner.tenantId)).at(-1)).toBe('membership.reactivate');
  });
});
