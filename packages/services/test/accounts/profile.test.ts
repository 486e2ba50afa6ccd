import { schema } from '@anythingiot/db';
import { desc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  acceptInvitationNewAccount,
  getProfile,
  inviteUser,
  revokeInvitation,
  updateProfile,
  viewInvitation,
} from '../../src/index.js';
import { failure, PASSWORD, tokenFromMail, uniqueEmail, useAccounts } from './harness.js';

const t = useAccounts();

describe('viewInvitation', () => {
  it('tells the link holder the company, role, address and whether an account exists, and consumes nothing', async () => {
    const owner = await t.signUpOwner('viewer');
    const principal = await t.principalOf(owner.session.token);
    const email = uniqueEmail('invitee');
    await inviteUser({ ctx: t.memberCtx(principal), input: { email, role: 'auditor' } });
    const token = await tokenFromMail(email, '/invitations/accept');
    const before = await t.counts();
    const view = await viewInvitation({ ctx: t.accountCtx(), input: { token } });
    expect(view).toMatchObject({
      email,
      tenantName: 'Company viewer',
      role: 'auditor',
      accountExists: false,
    });
    expect(view.expiresAt.getTime()).toBeGreaterThan(Date.now());
    expect(await t.counts()).toEqual(before);

    // Still acceptable after being viewed.
    await acceptInvitationNewAccount({
      ctx: t.accountCtx(),
      input: { token, name: 'Aud Itor', password: PASSWORD },
    });

    // An existing account is reported for a second company's invitation.
    const other = await t.signUpOwner('viewer-b');
    await inviteUser({
      ctx: t.memberCtx(await t.principalOf(other.session.token)),
      input: { email, role: 'manager' },
    });
    const second = await tokenFromMail(email, '/invitations/accept');
    expect(await viewInvitation({ ctx: t.accountCtx(), input: { token: second } })).toMatchObject({
      tenantName: 'Company viewer-b',
      role: 'manager',
      accountExists: true,
    });
  });

  it('used, revoked, unknown and malformed links all get the same invalid-link error', async () => {
    const owner = await t.signUpOwner('viewer-bad');
    const principal = await t.principalOf(owner.session.token);
    const used = uniqueEmail('used');
    await inviteUser({ ctx: t.memberCtx(principal), input: { email: used, role: 'manager' } });
    const usedToken = await tokenFromMail(used, '/invitations/accept');
    await acceptInvitationNewAccount({
      ctx: t.accountCtx(),
      input: { token: usedToken, name: 'Used', password: PASSWORD },
    });
    const revoked = uniqueEmail('revoked');
    const { invitationId } = await inviteUser({
      ctx: t.memberCtx(principal),
      input: { email: revoked, role: 'manager' },
    });
    const revokedToken = await tokenFromMail(revoked, '/invitations/accept');
    await revokeInvitation({ ctx: t.memberCtx(principal), input: { invitationId } });
    for (const token of [usedToken, revokedToken, 'A'.repeat(43), 'short', undefined]) {
      const f = await failure(() => viewInvitation({ ctx: t.accountCtx(), input: { token } }));
      expect(f).toMatchObject({ code: 'VALIDATION', reason: 'invalid_token' });
      expect(f.errors).toEqual([
        { path: 'token', message: 'This invitation link is invalid or has expired.' },
      ]);
    }
  });
});

describe('updateProfile', () => {
  it('changes the own name, trimmed, audited with before and after; the same name changes nothing', async () => {
    const owner = await t.signUpOwner('renamer');
    const user = await t.userOf(owner.session.token);
    expect(
      await updateProfile({ ctx: t.userCtx(user), input: { name: '  Dr. Renamed  ' } }),
    ).toEqual({ changed: true });
    const [row] = await t.db
      .select({ name: schema.users.name })
      .from(schema.users)
      .where(eq(schema.users.id, owner.userId));
    expect(row?.name).toBe('Dr. Renamed');
    expect((await t.auditActions(owner.tenantId)).at(-1)).toBe('user.update');
    const [entry] = await t.db
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.tenantId, owner.tenantId))
      .orderBy(desc(schema.auditLog.seq))
      .limit(1);
    expect(entry).toMatchObject({
      before: { name: 'renamer person' },
      after: { name: 'Dr. Renamed' },
      actorType: 'user',
      actorId: owner.userId,
    });

    const before = await t.counts();
    expect(await updateProfile({ ctx: t.userCtx(user), input: { name: 'Dr. Renamed' } })).toEqual({
      changed: false,
    });
    expect(await t.counts()).toEqual(before);
  });

  it('a blank or too long name is a field error and writes nothing', async () => {
    const owner = await t.signUpOwner('renamer-bad');
    const user = await t.userOf(owner.session.token);
    const before = await t.counts();
    for (const [name, message] of [
      ['   ', 'Enter your name.'],
      ['x'.repeat(101), 'Use at most 100 characters.'],
      [undefined, 'Enter your name.'],
    ] as const) {
      const f = await failure(() => updateProfile({ ctx: t.userCtx(user), input: { name } }));
      expect(f.code).toBe('VALIDATION');
      expect(f.errors).toEqual([{ path: 'name', message }]);
    }
    expect(await t.counts()).toEqual(before);
  });

  it('sets the own temperature unit, and empty returns to the company default; audited', async () => {
    const owner = await t.signUpOwner('unit-chooser');
    const user = await t.userOf(owner.session.token);
    const unitOf = async () =>
      (
        await t.db
          .select({ unit: schema.users.temperatureUnit })
          .from(schema.users)
          .where(eq(schema.users.id, owner.userId))
      )[0]?.unit;
    const name = 'unit-chooser person';
    expect(
      await updateProfile({ ctx: t.userCtx(user), input: { name, temperatureUnit: 'F' } }),
    ).toEqual({ changed: true });
    expect(await unitOf()).toBe('F');
    const [entry] = await t.db
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.tenantId, owner.tenantId))
      .orderBy(desc(schema.auditLog.seq))
      .limit(1);
    expect(entry).toMatchObject({
      before: { temperatureUnit: null },
      after: { temperatureUnit: 'F' },
    });
    // Leaving the unit out keeps it; an empty choice returns to the company's.
    await updateProfile({ ctx: t.userCtx(user), input: { name: 'Renamed' } });
    expect(await unitOf()).toBe('F');
    await updateProfile({ ctx: t.userCtx(user), input: { name, temperatureUnit: '' } });
    expect(await unitOf()).toBeNull();
  });

  it('an unknown unit is a field error and writes nothing', async () => {
    const owner = await t.signUpOwner('unit-bad');
    const user = await t.userOf(owner.session.token);
    const before = await t.counts();
    const f = await failure(() =>
      updateProfile({ ctx: t.userCtx(user), input: { name: 'x', temperatureUnit: 'K' } }),
    );
    expect(f.errors).toEqual([
      { path: 'temperatureUnit', message: 'Choose °C, °F or the company default.' },
    ]);
    expect(await t.counts()).toEqual(before);
  });
});

describe('getProfile', () => {
  it("gives the person's own unit (null: following the company) beside the company's", async () => {
    const owner = await t.signUpOwner('profile-reader');
    const principal = await t.principalOf(owner.session.token);
    expect(await getProfile({ ctx: t.userCtx(principal) })).toEqual({
      name: 'profile-reader person',
      email: owner.email,
      emailVerified: false,
      temperatureUnit: null,
      companyTemperatureUnit: 'C',
    });
    await updateProfile({
      ctx: t.userCtx(principal),
      input: { name: 'Reader', temperatureUnit: 'F' },
    });
    expect(await getProfile({ ctx: t.userCtx(principal) })).toMatchObject({
      name: 'Reader',
      temperatureUnit: 'F',
      companyTemperatureUnit: 'C',
    });
  });
});
